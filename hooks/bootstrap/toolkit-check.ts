// Checks the CDK bootstrap of one environment: the version parameter and the toolkit
// stack first (read together), then, depending on what they show, the roles and the
// asset bucket, an orphaned bucket, or version parameters under other qualifiers.
import type { Stack } from "@aws-sdk/client-cloudformation";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { bucketExists, describeStack, getParameter, parametersByPath, roleExists } from "./aws-reads.js";
import { partitionOf, readFailure } from "./guidance.js";
import { STABLE_STATUSES } from "./stack-status.js";
import { interpretToolkit, type ToolkitContext } from "./toolkit-findings.js";
import type { BootstrapSettings, Finding, Requirement, Target, ToolkitFacts } from "./types.js";

const ROLE_KINDS = ["deploy", "cfn-exec", "file-publishing", "image-publishing", "lookup"];

export async function checkToolkit(
  context: PreflightContext,
  target: Target,
  settings: BootstrapSettings,
  required: Requirement,
): Promise<{ facts: ToolkitFacts; findings: Finding[] }> {
  const { account, region } = target;
  const partition = partitionOf(context);
  const stackName = settings.toolkitStackName.value;
  const parameterName = settings.parameterName.value;
  const [parameterRead, stackRead] = await Promise.all([
    getParameter(context, region, parameterName),
    describeStack(context, region, stackName),
  ]);

  const stack = stackRead.ok ? stackRead.value : null;
  const facts: ToolkitFacts = {
    stackName,
    stackStatus: stack?.StackStatus ?? null,
    parameterName,
    version: null,
    stackVersion: numberOrNull(output(stack, "BootstrapVersion")),
    stackQualifier: stackParameter(stack, "Qualifier"),
    bucketName: null,
    bucketExists: null,
    missingRoles: [],
  };
  const findings: Finding[] = [];
  if (!stackRead.ok) {
    findings.push(readFailure(context, stackRead.error, `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/*`, `the state of stack ${stackName}`));
  }
  if (!parameterRead.ok) {
    findings.push(readFailure(context, parameterRead.error, `arn:${partition}:ssm:${region}:${account}:parameter${parameterName}`, "the bootstrap version"));
  }
  if (findings.length > 0) return { facts, findings };

  const parameterValue = parameterRead.ok ? parameterRead.value : null;
  facts.version = parameterValue !== null && /^\d+$/.test(parameterValue.trim()) ? Number(parameterValue.trim()) : null;
  facts.bucketName = output(stack, "BucketName") ?? (stackParameter(stack, "FileAssetsBucketName") || null) ?? settings.bucketName?.value ?? null;
  const defaultBucket = settings.bucketName?.value ?? `cdk-${settings.qualifier.value}-assets-${account}-${region}`;

  // The second round of reads depends on what the first one found.
  const stable = stack !== null && STABLE_STATUSES.has(stack.StackStatus ?? "");
  const qualifierMatches = facts.stackQualifier === null || facts.stackQualifier === settings.qualifier.value;
  const probeBucket = stack === null || stack.StackStatus === "ROLLBACK_COMPLETE" || (stable && qualifierMatches);
  const bucketToProbe = stable ? facts.bucketName ?? defaultBucket : defaultBucket;
  const probeQualifiers = parameterValue === null;
  const probeRoles = stable && qualifierMatches && parameterValue !== null;

  const [bucketRead, otherParameters, roleReads] = await Promise.all([
    probeBucket ? bucketExists(context, region, bucketToProbe) : undefined,
    probeQualifiers ? parametersByPath(context, region, "/cdk-bootstrap") : undefined,
    probeRoles ? Promise.all(ROLE_KINDS.map((kind) => roleName(settings, kind, account, region)).map(async (name) => ({ name, read: await roleExists(context, name) }))) : undefined,
  ]);

  const notVerified: string[] = [];
  if (bucketRead?.ok) {
    if (stable) facts.bucketExists = bucketRead.value;
  } else if (bucketRead) {
    notVerified.push(`${bucketRead.error.action} on bucket ${bucketToProbe} (${bucketRead.error.kind})`);
  }
  for (const role of roleReads ?? []) {
    if (role.read.ok && !role.read.value) facts.missingRoles.push(role.name);
    if (!role.read.ok) notVerified.push(`${role.read.error.action} on role ${role.name} (${role.read.error.kind})`);
  }

  const toolkit: ToolkitContext = {
    context,
    target,
    settings,
    required,
    facts,
    parameterValue,
    stack,
    orphanBucket: !stable && bucketRead?.ok && bucketRead.value ? bucketToProbe : undefined,
    otherQualifiers: otherParameters?.ok ? qualifiersIn(otherParameters.value, settings.qualifier.value) : [],
    notVerified,
  };
  return { facts, findings: interpretToolkit(toolkit) };
}

function roleName(settings: BootstrapSettings, kind: string, account: string, region: string): string {
  return `cdk-${settings.qualifier.value}-${kind}-role-${account}-${region}`;
}

function output(stack: Stack | null, key: string): string | undefined {
  return stack?.Outputs?.find((entry) => entry.OutputKey === key)?.OutputValue;
}

function stackParameter(stack: Stack | null, key: string): string | null {
  return stack?.Parameters?.find((entry) => entry.ParameterKey === key)?.ParameterValue ?? null;
}

function numberOrNull(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** Returns `[qualifier, version]` for version parameters of other qualifiers, such as `/cdk-bootstrap/team01/version`. */
function qualifiersIn(parameters: Array<{ name: string; value: string }>, own: string): Array<{ qualifier: string; version: string }> {
  const found: Array<{ qualifier: string; version: string }> = [];
  for (const parameter of parameters) {
    const match = /^\/cdk-bootstrap\/([^/]+)\/version$/.exec(parameter.name);
    if (match && match[1] !== own) found.push({ qualifier: match[1]!, version: parameter.value });
  }
  return found;
}
