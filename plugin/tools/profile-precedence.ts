// The credential source each deploy tool picks when several are set: a profile flag,
// a config profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, static environment keys, or the
// stage's profile from the preflight configuration. The rules follow the
// tools' code: sst@2.49.8 project.js and the JS SDK's node chain, SST v3's
// pkg/project/provider/aws.go with the Go SDK v2, and the CDK CLI's
// awscli-compatible.ts (SST v1 ships a copy of an older version of it).
import type { StageConfig, ToolName } from "../config/schema.js";
import { mergedProfile, profileHasCredentials } from "../aws/profiles.js";
import type { Sourced } from "../runner/types.js";
import type { SettingsInput } from "./settings.js";

export type ProfileSourceKind = "flag" | "config" | "AWS_PROFILE" | "AWS_DEFAULT_PROFILE" | "environment-keys" | "stage" | "default";

export interface ProfileSource {
  kind: ProfileSourceKind;
  /** Place it is set in, such as "--profile", "cdk.json" or "AWS_PROFILE". */
  source: string;
  /** The profile name; for environment keys, the names of the variables. */
  value: string;
}

export interface ProfileDecision {
  tool: ToolName;
  /** The profile the tool uses; undefined when it uses environment keys or the default chain. */
  profile: Sourced<string> | undefined;
  /** True when the tool's first source is AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  usesEnvKeys: boolean;
  /** The source that wins. */
  winner: ProfileSource | undefined;
  /** Sources that are set but lose, each with the reason this tool ignores it. */
  overridden: Array<ProfileSource & { reason: string }>;
  /**
   * Set when the tool would not pick the profile itself, so the checks pass it on:
   * the stage's profile, or a --profile given to sst-preflight for SST v3, which has no such flag.
   */
  passedAs?: "AWS_PROFILE";
}

const ENV_KEYS = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

/** Returns true when the CDK CLI finds static keys, which it also reads from AMAZON_ variables. */
export function hasCdkEnvKeys(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AMAZON_ACCESS_KEY_ID) && Boolean(env.AWS_SECRET_ACCESS_KEY || env.AMAZON_SECRET_ACCESS_KEY);
}

/** Lists every profile or key source that is set, in no particular order. */
export function listProfileSources(input: SettingsInput, stage: StageConfig, stageName?: string): ProfileSource[] {
  const { flags, project, env, tool } = input;
  const sources: ProfileSource[] = [];
  if (flags.profile) sources.push({ kind: "flag", source: "--profile", value: flags.profile });
  if (project.profile) sources.push({ kind: "config", source: project.origin, value: project.profile });
  if (env.AWS_PROFILE) sources.push({ kind: "AWS_PROFILE", source: "AWS_PROFILE", value: env.AWS_PROFILE });
  if (env.AWS_DEFAULT_PROFILE) sources.push({ kind: "AWS_DEFAULT_PROFILE", source: "AWS_DEFAULT_PROFILE", value: env.AWS_DEFAULT_PROFILE });
  const keys = tool === "cdk" || tool === "sst-v1" ? hasCdkEnvKeys(env) : hasJsKeys(env);
  if (keys) sources.push({ kind: "environment-keys", source: "the environment", value: ENV_KEYS });
  if (stage.profile) sources.push({ kind: "stage", source: `stage ${stageName ?? "*"} in the preflight configuration`, value: stage.profile });
  return sources;
}

/** Decides which source the tool uses and why every other source that is set loses. */
export function decideProfile(input: SettingsInput, stage: StageConfig, stageName?: string): ProfileDecision {
  const sources = listProfileSources(input, stage, stageName);
  const find = (kind: ProfileSourceKind) => sources.find((source) => source.kind === kind);
  const order = precedence(input.tool, input.env);
  const decision: ProfileDecision = { tool: input.tool, profile: undefined, usesEnvKeys: false, winner: undefined, overridden: [] };

  for (const kind of order) {
    const source = find(kind);
    if (source) {
      decision.winner = source;
      break;
    }
  }
  // The default profile counts only when it contains credentials, because one with just a
  // region makes the SDK move on to the next link. The Go SDK of SST v3 tries web identity first.
  const goWebIdentity = input.tool === "sst-v3" && Boolean(input.env.AWS_WEB_IDENTITY_TOKEN_FILE);
  if (!decision.winner && !goWebIdentity && profileHasCredentials(mergedProfile(input.files, "default"))) {
    decision.winner = { kind: "default", source: "the default profile", value: "default" };
  }

  const winner = decision.winner;
  if (winner?.kind === "environment-keys") decision.usesEnvKeys = true;
  else if (winner) decision.profile = { value: winner.value, source: winner.kind === "stage" ? `${winner.source}, passed as AWS_PROFILE` : winner.source };
  if (winner && (winner.kind === "stage" || (winner.kind === "flag" && input.tool === "sst-v3"))) decision.passedAs = "AWS_PROFILE";

  for (const source of sources) {
    if (source === winner) continue;
    decision.overridden.push({ ...source, reason: reasonFor(input, source, winner) });
  }
  return decision;
}

/** Returns the order in which a tool consults the sources; the first one set wins. */
function precedence(tool: ToolName, env: NodeJS.ProcessEnv): ProfileSourceKind[] {
  switch (tool) {
    case "sst-v2":
      // sst@2.49.8 drops --profile and the config profile when both static keys are set;
      // the SDK chain then still skips the keys when AWS_PROFILE is set.
      return hasJsKeys(env) ? ["AWS_PROFILE", "environment-keys", "stage"] : ["flag", "config", "AWS_PROFILE", "stage"];
    case "sst-v3":
      // SST v3 has no --profile flag, so sst-preflight's own is passed on as AWS_PROFILE,
      // which SST v3 lets override providers.aws.profile. A profile handed to the Go SDK
      // beats environment keys; AWS_DEFAULT_PROFILE is read by the Go SDK after the keys.
      return env.SST_AWS_NO_PROFILE
        ? ["flag", "AWS_PROFILE", "environment-keys", "AWS_DEFAULT_PROFILE", "stage"]
        : ["flag", "AWS_PROFILE", "config", "environment-keys", "AWS_DEFAULT_PROFILE", "stage"];
    case "cdk":
    case "sst-v1":
      return ["flag", "config", "environment-keys", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "stage"];
  }
}

/** Returns true when both static keys are exported; the JS SDK treats an empty variable as unset. */
function hasJsKeys(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID) && Boolean(env.AWS_SECRET_ACCESS_KEY);
}

/** Says why `loser` does not count for this tool, given the winning source. */
function reasonFor(input: SettingsInput, loser: ProfileSource, winner: ProfileSource | undefined): string {
  const { tool, env } = input;
  const name = TOOL_LABELS[tool];
  let won = "nothing wins";
  if (winner?.kind === "environment-keys") won = `${ENV_KEYS} win`;
  else if (winner) won = `${winner.source} (${winner.value}) wins`;

  if (loser.kind === "AWS_DEFAULT_PROFILE" && (tool === "sst-v2")) return `${name} uses the JS SDK, which ignores AWS_DEFAULT_PROFILE`;
  if (loser.kind === "config" && tool === "sst-v3" && env.SST_AWS_NO_PROFILE) return "SST_AWS_NO_PROFILE is set, so SST v3 drops providers.aws.profile";
  if (loser.kind === "stage") return `${won}: the stage's profile applies only when nothing else selects credentials`;

  switch (tool) {
    case "sst-v2":
      if (loser.kind === "flag" || loser.kind === "config") {
        if (hasJsKeys(env)) return `${name} drops --profile and the config's profile when ${ENV_KEYS} are both set (sst@2.49.8 project.js)`;
        return `${won}: ${name} uses --profile before the config's profile`;
      }
      if (loser.kind === "environment-keys") return `${won}: the JS SDK's chain skips environment keys when AWS_PROFILE is set`;
      if (loser.kind === "AWS_PROFILE") return `${won}: ${name} passes --profile or the config's profile to the SDK, which then ignores AWS_PROFILE`;
      break;
    case "sst-v3":
      if (loser.kind === "config") return `${won}: ${name} lets AWS_PROFILE override providers.aws.profile`;
      if (loser.kind === "environment-keys") return `${won}: ${name} hands the profile to the Go SDK, which then ignores environment keys`;
      if (loser.kind === "AWS_DEFAULT_PROFILE") return `${won}: the Go SDK reads AWS_DEFAULT_PROFILE only when no other profile or key is set`;
      if (loser.kind === "AWS_PROFILE") return `${won}: sst-preflight passes its --profile to ${name} as AWS_PROFILE`;
      break;
    case "cdk":
    case "sst-v1":
      if (loser.kind === "environment-keys" || loser.kind === "AWS_PROFILE" || loser.kind === "AWS_DEFAULT_PROFILE") {
        if (winner?.kind === "flag" || winner?.kind === "config") return `${won}: --profile makes ${name} read only that profile`;
        if (winner?.kind === "environment-keys") return `${won}: ${name} reads environment keys before AWS_PROFILE, as the AWS CLI does`;
        return `${won}: ${name} reads AWS_PROFILE before AWS_DEFAULT_PROFILE`;
      }
      if (loser.kind === "config") return `${won}: --profile overrides the profile in ${loser.source}`;
      break;
  }
  return won;
}

export const TOOL_LABELS: Record<ToolName, string> = {
  "sst-v1": "SST v1",
  "sst-v2": "SST v2",
  "sst-v3": "SST v3",
  cdk: "the CDK CLI",
};
