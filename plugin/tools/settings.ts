// Resolves the stage, profile and region the wrapped tool will use, each with the
// precedence of that tool, and records where each value came from. The profile
// rules live in profile-precedence.ts and the region rules in region-precedence.ts.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { StageConfig, ToolName } from "../config/schema.js";
import type { SharedFiles } from "../aws/profiles.js";
import type { Sourced } from "../runner/types.js";
import { decideProfile } from "./profile-precedence.js";
import { decideRegion } from "./region-precedence.js";

export interface SettingsInput {
  tool: ToolName;
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: { stage?: string; stageSource?: string; profile?: string; region?: string };
  /** Values from the SST v2 app config (`config()`), or sst.json for SST v1, or cdk.json for CDK. */
  project: { stage?: string; profile?: string; region?: string; origin: string };
  defaultStage?: string;
  files: SharedFiles;
}

export function resolveStage(input: SettingsInput): Sourced<string> | undefined {
  const { flags, project, env, tool, cwd } = input;
  if (flags.stage) return { value: flags.stage, source: flags.stageSource ?? "--stage" };
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
  return decideProfile(input, stage, stageName).profile;
}

/** Returns the region the tool will use, including a tool's silent default, or undefined when it has none. */
export function resolveRegion(
  input: SettingsInput,
  profile: Sourced<string> | undefined,
  _stage?: StageConfig,
): Sourced<string> | undefined {
  return decideRegion(input, profile).region;
}

export { decideProfile, decideRegion };
export type { ProfileDecision, ProfileSource } from "./profile-precedence.js";
export type { RegionDecision } from "./region-precedence.js";
