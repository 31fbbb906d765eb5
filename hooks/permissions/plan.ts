// Gathers what the strategy needs from the run's context: the target account and
// regions, the bootstrap names, the cloud assembly, the stage's role and the config.
import path from "node:path";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { AssemblyError, readCloudAssembly, type CloudAssembly } from "./assembly.js";
import { defaultAssemblyDir, readBootstrapSettings } from "./bootstrap-settings.js";
import type { DeployTarget, RequirementSet } from "./requirements.js";
import { buildRequirements, type StrategyInput, type StrategyName } from "./strategies.js";

/**
 * The strategy when none is configured. "baseline" checks only the bootstrap access
 * that every strategy needs, which with the modern bootstrap is all the caller itself
 * uses: the resources are created by the bootstrap's execution role. It costs one or two
 * simulation calls and claims nothing about resource permissions.
 */
export const DEFAULT_STRATEGY: StrategyName = "baseline";

export function configuredStrategy(context: Pick<PreflightContext, "config">): StrategyName | "none" {
  return context.config.permissions?.strategy ?? DEFAULT_STRATEGY;
}

/** Returns the partition of a region: aws-cn for China, aws-us-gov for GovCloud, else aws. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface PermissionPlan {
  set: RequirementSet;
  /** Problems that did not stop the check, such as an unreadable cloud assembly. */
  warnings: string[];
}

/** Builds the requirement set for the run; throws StrategyInputError or PolicyDocumentError for bad input. */
export function planPermissions(context: PreflightContext, strategy: StrategyName, account: string): PermissionPlan {
  const warnings: string[] = [];
  let assembly: CloudAssembly | undefined;
  try {
    assembly = readCloudAssembly(defaultAssemblyDir(context.cwd));
  } catch (error) {
    if (!(error instanceof AssemblyError)) throw error;
    warnings.push(`the cloud assembly was not used: ${error.message}`);
  }

  const permissions = context.config.permissions ?? {};
  const target = deployTarget(context, account, assembly);
  const roleArn = context.flags.roleArn ?? context.stageConfig.roleArn;
  const stackPattern = appStackPattern(context);
  const input: StrategyInput = {
    strategy,
    tool: context.tool.name,
    command: context.command,
    target,
    bootstrap: readBootstrapSettings(context.cwd, context.config, context.appConfig),
    ...(permissions.services ? { services: permissions.services } : {}),
    ...(permissions.customDomain ? { customDomain: true } : {}),
    ...(permissions.policyFile ? { policyFile: path.resolve(context.cwd, permissions.policyFile) } : {}),
    ...(permissions.extraActions ? { extraActions: permissions.extraActions } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(assembly ? { assembly } : {}),
    ...(stackPattern ? { stackPattern } : {}),
  };
  if (!context.region) warnings.push("no region is set, so the bootstrap in us-east-1 was checked");
  return { set: buildRequirements(input), warnings };
}

function deployTarget(context: PreflightContext, account: string, assembly: CloudAssembly | undefined): DeployTarget {
  const regions = new Set<string>();
  if (context.region) regions.add(context.region.value);
  for (const region of context.config.bootstrap?.regions ?? []) regions.add(region);
  for (const stack of assembly?.stacks ?? []) if (stack.region) regions.add(stack.region);
  if (regions.size === 0) regions.add("us-east-1");
  const list = [...regions];
  return { account, regions: list, partition: partitionOf(list[0]!) };
}

// SST names its stacks <stage>-<app>-<stack>; other tools have no fixed pattern.
function appStackPattern(context: PreflightContext): string | undefined {
  const appName = typeof context.appConfig?.name === "string" ? context.appConfig.name : undefined;
  if ((context.tool.name === "sst-v2" || context.tool.name === "sst-v1") && appName && context.stage) {
    return `${context.stage.value}-${appName}-*`;
  }
  return undefined;
}
