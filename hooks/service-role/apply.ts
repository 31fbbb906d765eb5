// Applies the validated service role the way each tool takes it: SST v2 through
// cdk.cloudFormationExecutionRole in its config, SST v1 and the CDK CLI through
// --role-arn. SST v3 and later have no CloudFormation stack to give it to.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { commandUsesRole, type RoleChoice } from "./source.js";

/** The first SST v2 release that reads cdk.cloudFormationExecutionRole. */
export const SST_MIN_ROLE_VERSION = "2.49.4";

/** Returns a failed outcome when the tool cannot take a service role at all. */
export function checkToolSupport(context: PreflightContext, choice: RoleChoice): HookOutcome | undefined {
  const tool = context.tool;
  if (tool.name === "sst-v3") {
    return {
      status: "fail",
      summary: `${choice.origin} is set, but SST ${tool.version ?? "v3"} deploys without CloudFormation, so a service role cannot apply`,
      details: [
        `role: ${choice.arn}`,
        "SST v3 and later deploy through Pulumi, which calls each AWS service with your credentials. There is no CloudFormation stack to hand a service role to.",
      ],
      guidance: [
        `Remove roleArn for this stage from ${context.configOrigin}.`,
        "To deploy as another role, assume it in the AWS provider settings of sst.config.ts (providers.aws) or in your credentials.",
      ],
    };
  }
  if (tool.name === "sst-v2" && tool.version && compareVersions(tool.version, SST_MIN_ROLE_VERSION) < 0) {
    return {
      status: "fail",
      summary: `sst ${tool.version} ignores cdk.cloudFormationExecutionRole; the service role needs sst ${SST_MIN_ROLE_VERSION} or later`,
      details: [`role: ${choice.arn} (from ${choice.origin})`, `sst version: ${tool.version} (${tool.detectedBy})`],
      guidance: [`Upgrade SST: npm i -D sst@^${SST_MIN_ROLE_VERSION}`, `Or remove roleArn for this stage from ${context.configOrigin}.`],
    };
  }
  return undefined;
}

/**
 * Records the role in `context.changes` for the wrapped tool, or a note on why it
 * is not applied. Returns a warning line when the role cannot reach the tool.
 */
export function applyRole(context: PreflightContext, choice: RoleChoice, valid: boolean): string | undefined {
  const notes = context.changes.notes;
  if (choice.explicit) {
    notes.push(
      choice.overridden
        ? `${choice.origin} (${choice.arn}) wins over ${choice.overridden.origin} (${choice.overridden.arn}), so sst-preflight added nothing.`
        : `The deploy uses the service role from ${choice.origin}: ${choice.arn}.`,
    );
    return undefined;
  }
  if (!valid) {
    notes.push(`The service role ${choice.arn} from ${choice.origin} was not applied because it failed the checks.`);
    return undefined;
  }
  if (!commandUsesRole(context)) return undefined;

  if (context.tool.name === "sst-v2") return applyToSstV2(context, choice);
  if (context.tool.name === "sst-v1" || context.tool.name === "cdk") {
    if (!context.changes.args.includes("--role-arn")) context.changes.args.push("--role-arn", choice.arn);
    notes.push(`--role-arn ${choice.arn} was added to the ${context.tool.name === "cdk" ? "cdk" : "sst"} command (from ${choice.origin}).`);
  }
  return undefined;
}

function applyToSstV2(context: PreflightContext, choice: RoleChoice): string | undefined {
  if (context.appConfig) {
    const current = context.changes.sstConfig.cdk;
    const cdk = current && typeof current === "object" ? (current as Record<string, unknown>) : {};
    context.changes.sstConfig.cdk = { ...cdk, cloudFormationExecutionRole: choice.arn };
    context.changes.notes.push(`cdk.cloudFormationExecutionRole is set to ${choice.arn} in the config SST receives (from ${choice.origin}).`);
    return undefined;
  }
  // Outside sst.config.ts there is no config to change: SST v2 has no --role-arn flag.
  if (usesPreflightInConfig(context.cwd)) {
    context.changes.notes.push(`preflight() in sst.config.ts sets cdk.cloudFormationExecutionRole to ${choice.arn} when SST loads the config.`);
    return undefined;
  }
  return `The role is not applied: SST v2 takes it only as cdk.cloudFormationExecutionRole, and sst.config.ts does not wrap config() with preflight() from sst-preflight.`;
}

function usesPreflightInConfig(cwd: string): boolean {
  for (const name of ["sst.config.ts", "sst.config.mjs", "sst.config.js"]) {
    const file = path.join(cwd, name);
    if (existsSync(file) && /\bpreflight\s*\(/.test(readFileSync(file, "utf8"))) return true;
  }
  return false;
}

/** Compares two dotted versions numerically, ignoring any pre-release suffix. */
export function compareVersions(left: string, right: string): number {
  const parse = (version: string) => version.split("-")[0]!.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const a = parse(left);
  const b = parse(right);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
