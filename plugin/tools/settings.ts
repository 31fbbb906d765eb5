// Resolves the stage, profile and region the wrapped tool will use, each with the
// precedence of that tool, and records where each value came from.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { StageConfig, ToolName } from "../config/schema.js";
import { mergedProfile, type SharedFiles } from "../aws/profiles.js";
import type { Sourced } from "../runner/types.js";

export interface SettingsInput {
  tool: ToolName;
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: { stage?: string; profile?: string; region?: string };
  /** Values from the SST v2 app config (`config()`), or sst.json for SST v1, or cdk.json for CDK. */
  project: { stage?: string; profile?: string; region?: string; origin: string };
  defaultStage?: string;
  files: SharedFiles;
}

export function hasEnvKeys(env: NodeJS.ProcessEnv): boolean {
  // The SDK treats an empty variable as unset.
  return Boolean(env.AWS_ACCESS_KEY_ID) && Boolean(env.AWS_SECRET_ACCESS_KEY);
}

export function resolveStage(input: SettingsInput): Sourced<string> | undefined {
  const { flags, project, env, tool, cwd } = input;
  if (flags.stage) return { value: flags.stage, source: "--stage" };
  if (tool === "cdk") {
    if (env.PREFLIGHT_STAGE) return { value: env.PREFLIGHT_STAGE, source: "PREFLIGHT_STAGE" };
    if (input.defaultStage) return { value: input.defaultStage, source: "defaultStage in the configuration" };
    return undefined;
  }
  if (project.stage) return { value: project.stage, source: project.origin };
  if ((tool === "sst-v2" || tool === "sst-v3") && env.SST_STAGE) return { value: env.SST_STAGE, source: "SST_STAGE" };
  const personal = readPersonalStage(cwd);
  if (personal) return { value: personal, source: ".sst/stage" };
  return undefined;
}

/** Reads the personal stage SST stores in `.sst/stage` after its first run. */
export function readPersonalStage(cwd: string): string | undefined {
  const file = path.join(cwd, ".sst", "stage");
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the profile the tool will use, or undefined when it uses no named profile
 * (static environment keys, or the default chain without a `default` profile).
 */
export function resolveProfile(input: SettingsInput, stage: StageConfig, stageName?: string): Sourced<string> | undefined {
  const { flags, project, env, tool } = input;
  const envKeys = hasEnvKeys(env);
  const explicit = flags.profile
    ? { value: flags.profile, source: "--profile" }
    : project.profile
      ? { value: project.profile, source: project.origin }
      : undefined;

  switch (tool) {
    case "sst-v2":
      // sst@2.49.8 drops a flag or config profile when both static keys are exported;
      // the SDK chain then still prefers AWS_PROFILE over those keys.
      if (explicit && !envKeys) return explicit;
      if (env.AWS_PROFILE) return { value: env.AWS_PROFILE, source: "AWS_PROFILE" };
      if (envKeys) return undefined;
      break;
    case "sst-v3":
      // The Go SDK lets AWS_PROFILE override the profile in sst.config.ts.
      if (env.AWS_PROFILE) return { value: env.AWS_PROFILE, source: "AWS_PROFILE" };
      if (explicit) return explicit;
      if (envKeys) return undefined;
      break;
    case "cdk":
    case "sst-v1":
      // --profile (or cdk.json "profile") selects that profile only; otherwise keys win.
      if (explicit) return explicit;
      if (envKeys) return undefined;
      if (env.AWS_PROFILE) return { value: env.AWS_PROFILE, source: "AWS_PROFILE" };
      if (env.AWS_DEFAULT_PROFILE) return { value: env.AWS_DEFAULT_PROFILE, source: "AWS_DEFAULT_PROFILE" };
      break;
  }

  if (stage.profile) return { value: stage.profile, source: `stage ${stageName ?? "*"} in the configuration` };
  if (mergedProfile(input.files, "default")) return { value: "default", source: "the default profile" };
  return undefined;
}

export function resolveRegion(
  input: SettingsInput,
  profile: Sourced<string> | undefined,
  stage: StageConfig,
): Sourced<string> | undefined {
  const { flags, project, env, tool } = input;
  if (flags.region) return { value: flags.region, source: "--region" };
  if (project.region && tool !== "cdk") return { value: project.region, source: project.origin };
  if (env.AWS_REGION) return { value: env.AWS_REGION, source: "AWS_REGION" };
  // The JS SDK ignores AWS_DEFAULT_REGION; the CDK CLI and the Go SDK read it.
  if ((tool === "cdk" || tool === "sst-v3" || tool === "sst-v1") && env.AWS_DEFAULT_REGION) {
    return { value: env.AWS_DEFAULT_REGION, source: "AWS_DEFAULT_REGION" };
  }
  if (profile) {
    const settings = mergedProfile(input.files, profile.value);
    if (settings?.region) return { value: settings.region, source: `region of profile ${profile.value}` };
  }
  if (tool === "cdk" && project.region) return { value: project.region, source: project.origin };
  if (stage.regions?.length === 1) return { value: stage.regions[0]!, source: "the stage's only region in the configuration" };
  return undefined;
}
