// The region each deploy tool uses, and the region settings it ignores. SST v2
// builds its AWS clients without a profile, so the JS SDK reads AWS_REGION and the
// region of AWS_PROFILE (or the default profile), never AWS_DEFAULT_REGION, and has
// no fallback. The CDK CLI (awscli-compatible.ts), SST v1 and the Go SDK of SST v3
// fall back to us-east-1 without a word.
import type { ToolName } from "../config/schema.js";
import { mergedProfile } from "../aws/profiles.js";
import type { Sourced } from "../runner/types.js";
import { TOOL_LABELS } from "./profile-precedence.js";
import type { SettingsInput } from "./settings.js";

export interface RegionDecision {
  region: Sourced<string> | undefined;
  /** True when the region is the tool's silent default rather than a setting. */
  isDefault: boolean;
  /** Region settings that are set but that this tool does not read, with the reason. */
  ignored: Array<{ source: string; value: string; reason: string }>;
}

export const DEFAULT_REGION = "us-east-1";

export function decideRegion(input: SettingsInput, profile: Sourced<string> | undefined): RegionDecision {
  const { flags, project, env, tool } = input;
  const decision: RegionDecision = { region: undefined, isDefault: false, ignored: [] };
  const candidates: Array<Sourced<string> | undefined> = [];

  if (flags.region) candidates.push({ value: flags.region, source: "--region" });
  if (project.region && tool !== "cdk") candidates.push({ value: project.region, source: project.origin });

  switch (tool) {
    case "sst-v2": {
      candidates.push(fromEnv(env, "AWS_REGION"));
      const clientProfile = env.AWS_PROFILE || "default";
      candidates.push(profileRegion(input, clientProfile));
      if (env.AWS_DEFAULT_REGION) {
        decision.ignored.push({ source: "AWS_DEFAULT_REGION", value: env.AWS_DEFAULT_REGION, reason: "the JS SDK that SST v2 uses does not read AWS_DEFAULT_REGION" });
      }
      if (profile && profile.value !== clientProfile) {
        const own = mergedProfile(input.files, profile.value)?.region;
        if (own) {
          decision.ignored.push({
            source: `region of profile ${profile.value}`,
            value: own,
            reason: `SST v2 builds its AWS clients without the profile, so they read the region of ${env.AWS_PROFILE ? `AWS_PROFILE (${env.AWS_PROFILE})` : "the default profile"} instead`,
          });
        }
      }
      break;
    }
    case "sst-v3":
      candidates.push(fromEnv(env, "AWS_REGION"), fromEnv(env, "AWS_DEFAULT_REGION"));
      candidates.push(profileRegion(input, profile?.value ?? "default"));
      break;
    case "cdk":
    case "sst-v1": {
      candidates.push(fromEnv(env, "AWS_REGION"), fromEnv(env, "AMAZON_REGION"), fromEnv(env, "AWS_DEFAULT_REGION"), fromEnv(env, "AMAZON_DEFAULT_REGION"));
      // The CDK CLI takes the region of --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE even
      // when environment keys provide the credentials, then the default profile's region.
      const regionProfile = flags.profile || project.profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || "default";
      candidates.push(profileRegion(input, regionProfile), profileRegion(input, "default"));
      break;
    }
  }

  decision.region = candidates.find((candidate) => candidate !== undefined);
  if (!decision.region && tool !== "sst-v2") {
    decision.region = { value: DEFAULT_REGION, source: `default of ${TOOL_LABELS[tool]} when no region is set` };
    decision.isDefault = true;
  }
  return decision;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): Sourced<string> | undefined {
  const value = env[name];
  return value ? { value, source: name } : undefined;
}

function profileRegion(input: SettingsInput, name: string): Sourced<string> | undefined {
  const region = mergedProfile(input.files, name)?.region;
  return region ? { value: region, source: `region of profile ${name}` } : undefined;
}

/** Returns true when the tool falls back to a region silently instead of failing. */
export function defaultsRegionSilently(tool: ToolName): boolean {
  return tool !== "sst-v2";
}
