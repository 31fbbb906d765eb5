// Resolves how the app names its CDK bootstrap (qualifier, toolkit stack name, version
// parameter) and the version floors that apply everywhere, each with its source.
import type { PreflightContext, Sourced } from "../../plugin/runner/types.js";
import type { AssemblyRead } from "./cloud-assembly.js";
import { cdkContext, cdkSetting, flagValue, nestedString, type CdkSettingsFiles } from "./project-files.js";
import type { BootstrapSettings, Requirement } from "./types.js";

export const DEFAULT_QUALIFIER = "hnb659fds";
export const DEFAULT_TOOLKIT_STACK_NAME = "CDKToolkit";
/** The `BootstrapVersion` output SST v2 requires before it deploys (sst@2.49.8 bootstrap.js). */
export const SST_V2_MIN_CDK_VERSION = 14;
/** Version the default synthesizer of aws-cdk-lib v2 writes as requiresBootstrapStackVersion. */
export const CDK_DEFAULT_MIN_VERSION = 6;

const STANDARD_PARAMETER = /^\/cdk-bootstrap\/([A-Za-z0-9_-]{1,10})\/version$/;

export function resolveSettings(context: PreflightContext, files: CdkSettingsFiles, assembly: AssemblyRead): BootstrapSettings {
  const notes: string[] = [];
  const fromSst = (key: string) => (context.tool.name === "sst-v2" ? nestedString(context.appConfig, "cdk", key) : undefined);
  const configured = (key: "qualifier" | "toolkitStackName") => context.config.bootstrap?.[key];
  const configSource = (key: string) => `bootstrap.${key} in ${context.configOrigin}`;

  const assemblyParameter = assembly.kind === "read" ? assembly.artifacts.find((artifact) => artifact.parameterName)?.parameterName : undefined;
  const assemblyQualifier = assemblyParameter ? STANDARD_PARAMETER.exec(assemblyParameter)?.[1] : undefined;

  const qualifier: Sourced<string> = pick([
    [configured("qualifier"), configSource("qualifier")],
    [fromSst("qualifier"), "cdk.qualifier in sst.config.ts"],
    [assemblyQualifier, `the cloud assembly ${assembly.label}`],
    [cdkContext(files, "@aws-cdk/core:bootstrapQualifier")?.value, cdkContext(files, "@aws-cdk/core:bootstrapQualifier")?.source],
  ]) ?? { value: DEFAULT_QUALIFIER, source: "the CDK default" };

  const toolkitStackName: Sourced<string> = pick([
    [flagValue(context.toolArgs, ["--toolkit-stack-name"]), "--toolkit-stack-name"],
    [configured("toolkitStackName"), configSource("toolkitStackName")],
    [fromSst("toolkitStackName"), "cdk.toolkitStackName in sst.config.ts"],
    [cdkSetting(files, "toolkitStackName")?.value, cdkSetting(files, "toolkitStackName")?.source],
  ]) ?? { value: DEFAULT_TOOLKIT_STACK_NAME, source: "the CDK default" };

  const customParameter = assemblyParameter && !assemblyQualifier ? assemblyParameter : undefined;
  const parameterName: Sourced<string> = pick([
    [fromSst("bootstrapStackVersionSsmParameter"), "cdk.bootstrapStackVersionSsmParameter in sst.config.ts"],
    [customParameter, `the cloud assembly ${assembly.label}`],
  ]) ?? { value: `/cdk-bootstrap/${qualifier.value}/version`, source: `qualifier ${qualifier.value}` };

  if (assemblyQualifier && assemblyQualifier !== qualifier.value) {
    notes.push(
      `The cloud assembly ${assembly.label} was synthesized with qualifier ${assemblyQualifier}, but ${qualifier.source} sets ${qualifier.value}; synthesize again before deploying.`,
    );
  }

  const bucket = fromSst("fileAssetsBucketName");
  const boundary = fromSst("customPermissionsBoundary");
  return {
    qualifier,
    toolkitStackName,
    parameterName,
    ...(bucket ? { bucketName: { value: bucket, source: "cdk.fileAssetsBucketName in sst.config.ts" } } : {}),
    ...(boundary ? { permissionsBoundary: { value: boundary, source: "cdk.customPermissionsBoundary in sst.config.ts" } } : {}),
    requirements: globalRequirements(context),
    notes,
  };
}

function pick(candidates: Array<[string | undefined, string | undefined]>): Sourced<string> | undefined {
  for (const [value, source] of candidates) {
    if (value && source) return { value, source };
  }
  return undefined;
}

function globalRequirements(context: PreflightContext): Requirement[] {
  const requirements: Requirement[] = [];
  if (context.tool.name !== "sst-v3") {
    requirements.push({ version: CDK_DEFAULT_MIN_VERSION, source: "the CDK default synthesizer" });
  }
  if (context.tool.name === "sst-v2") {
    requirements.push({ version: SST_V2_MIN_CDK_VERSION, source: context.tool.version ? `SST v2 sst@${context.tool.version}` : "SST v2" });
  }
  const configured = context.config.bootstrap?.minVersion;
  if (configured !== undefined) requirements.push({ version: configured, source: `bootstrap.minVersion in ${context.configOrigin}` });
  return requirements;
}

/** Returns the highest requirement; the first one listed wins a tie. */
export function highestRequirement(requirements: Requirement[]): Requirement {
  let highest: Requirement = { version: 0, source: "nothing" };
  for (const requirement of requirements) {
    if (requirement.version > highest.version) highest = requirement;
  }
  return highest;
}
