// Findings about the region: none at all (SST v2's JS SDK then fails with "Region is
// missing"), a silent us-east-1 fallback (SST v1, SST v3 and the CDK CLI), and region
// settings the tool does not read.
import type { Sourced } from "../../plugin/runner/types.js";
import { TOOL_LABELS } from "../../plugin/tools/profile-precedence.js";
import { decideRegion } from "../../plugin/tools/region-precedence.js";
import type { SettingsInput } from "../../plugin/tools/settings.js";
import type { Finding } from "./findings.js";

export function inspectRegion(input: SettingsInput, profile: Sourced<string> | undefined): Finding[] {
  const decision = decideRegion(input, profile);
  const label = TOOL_LABELS[input.tool];
  const findings: Finding[] = [];
  const ignored = decision.ignored.map((entry) => `${entry.source}=${entry.value} is ignored because ${entry.reason}`);

  if (!decision.region) {
    findings.push({
      code: "no-region",
      severity: "error",
      message: `no region is set, and ${label} has no default region, so it fails with "Region is missing"${ignored.length ? ` (${ignored.join("; ")})` : ""}`,
      fix: `Set region in the app config, pass --region, export AWS_REGION, or add region to the profile ${input.env.AWS_PROFILE ? `${input.env.AWS_PROFILE} (AWS_PROFILE)` : "default"}.`,
    });
    return findings;
  }
  if (decision.isDefault) {
    findings.push({
      code: "default-region",
      severity: "warning",
      message: `no region is set, so ${label} uses ${decision.region.value} without saying so`,
      fix: "Set the region explicitly: export AWS_REGION, add region to the profile, or set it in the app config.",
    });
  }
  for (const entry of decision.ignored) {
    const differs = entry.value !== decision.region.value;
    findings.push({
      code: "region-ignored",
      severity: differs ? "warning" : "info",
      message: `${entry.source}=${entry.value} is ignored: ${entry.reason}; ${label} uses ${decision.region.value} from ${decision.region.source}`,
      ...(differs ? { fix: `Set the region where ${label} reads it, such as AWS_REGION=${entry.value}.` } : {}),
    });
  }
  return findings;
}
