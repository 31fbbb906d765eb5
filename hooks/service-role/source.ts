// Finds the service role a deploy will use and where it comes from. A role given to
// the wrapped tool itself wins over the configured one, because the tool uses it anyway.
import { readToolOption } from "../../plugin/cli/args.js";
import type { PreflightContext } from "../../plugin/runner/types.js";

export interface RoleChoice {
  arn: string;
  /** Setting that gave the value, such as "stages.prod.roleArn in preflight.config.json". */
  origin: string;
  /** Set by the user on the wrapped tool; sst-preflight validates it but does not apply it. */
  explicit: boolean;
  /** The configured role that lost to an explicit one. */
  overridden?: { arn: string; origin: string };
}

/** Commands that send a service role to CloudFormation, per tool. */
const ROLE_COMMANDS: Record<string, ReadonlySet<string>> = {
  // SST v1 documents --role-arn on these four commands.
  "sst-v1": new Set(["start", "deploy", "remove", "build"]),
  // SST v2 reads cdk.cloudFormationExecutionRole when it deploys or removes stacks.
  "sst-v2": new Set(["deploy", "dev", "start", "remove", "diff"]),
  // The CDK CLI's --role-arn is global, but only these commands call CloudFormation with it.
  cdk: new Set(["deploy", "destroy", "diff", "watch", "import", "rollback"]),
};

/** Returns whether the role matters for this command of the wrapped tool. */
export function commandUsesRole(context: PreflightContext): boolean {
  const commands = ROLE_COMMANDS[context.tool.name];
  return commands === undefined || commands.has(context.command);
}

export function chooseRole(context: PreflightContext): RoleChoice | undefined {
  const configured = configuredRole(context);
  const explicit = explicitRole(context);
  if (!explicit) return configured;
  return { ...explicit, ...(configured && configured.arn !== explicit.arn ? { overridden: configured } : {}) };
}

/** Returns the role from sst-preflight's --role-arn or the stage's roleArn setting. */
export function configuredRole(context: PreflightContext): RoleChoice | undefined {
  if (context.flags.roleArn) return { arn: context.flags.roleArn, origin: "--role-arn of sst-preflight", explicit: false };
  const arn = context.stageConfig.roleArn;
  if (!arn) return undefined;
  const stage = context.stage?.value;
  const own = stage && context.config.stages && Object.hasOwn(context.config.stages, stage) ? context.config.stages[stage] : undefined;
  const key = own?.roleArn ? `stages.${stage}.roleArn` : 'stages["*"].roleArn';
  return { arn, origin: `${key} in ${context.configOrigin}`, explicit: false };
}

/** Returns the role the user gave the wrapped tool directly, which the tool uses whatever sst-preflight does. */
function explicitRole(context: PreflightContext): RoleChoice | undefined {
  if (context.tool.name === "sst-v2") {
    const cdk = context.appConfig?.cdk;
    const value = cdk && typeof cdk === "object" ? (cdk as Record<string, unknown>).cloudFormationExecutionRole : undefined;
    return typeof value === "string" && value ? { arn: value, origin: "cdk.cloudFormationExecutionRole in sst.config.ts", explicit: true } : undefined;
  }
  const names = context.tool.name === "cdk" ? ["--role-arn", "--roleArn", "-r"] : context.tool.name === "sst-v1" ? ["--role-arn", "--roleArn"] : [];
  if (names.length === 0) return undefined;
  const value = readToolOption(toolOptionsOnly(context.toolArgs), names);
  return value ? { arn: value, origin: `--role-arn on the ${context.tool.name === "cdk" ? "cdk" : "sst"} command line`, explicit: true } : undefined;
}

/** Drops the arguments after "--", which the tool passes on instead of reading. */
function toolOptionsOnly(args: string[]): string[] {
  const end = args.indexOf("--");
  return end === -1 ? args : args.slice(0, end);
}

/** Finds SST v2's own `role` setting or `--role` flag, which is not a service role. */
export function sstV2RoleSetting(context: PreflightContext): { value: string; origin: string } | undefined {
  if (context.tool.name !== "sst-v2") return undefined;
  const flag = readToolOption(toolOptionsOnly(context.toolArgs), ["--role"]);
  if (flag) return { value: flag, origin: "--role on the sst command line" };
  const role = context.appConfig?.role;
  return typeof role === "string" && role ? { value: role, origin: "role in the config() of sst.config.ts" } : undefined;
}
