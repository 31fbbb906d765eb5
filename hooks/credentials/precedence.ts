// Turns the tool's choice among several credential sources into findings that name the
// source that wins for this tool and the reason, what the other deploy tools would pick,
// and how to unset one. A profile set next to static keys, an AWS_PROFILE that
// overrides the stage's or the app's profile, and variables the tool ignores.
import type { ToolName } from "../../plugin/config/schema.js";
import { TOOL_NAMES, type StageConfig } from "../../plugin/config/schema.js";
import { decideProfile, TOOL_LABELS, type ProfileDecision, type ProfileSource } from "../../plugin/tools/profile-precedence.js";
import type { SettingsInput } from "../../plugin/tools/settings.js";
import type { Finding } from "./findings.js";

export interface Conflict {
  kind: "profile-and-keys" | "profile-override";
  winner: { kind: ProfileSource["kind"]; source: string; value: string };
  loser: { kind: ProfileSource["kind"]; source: string; value: string };
  reason: string;
  /** The source each deploy tool would use with the same settings. */
  byTool: Partial<Record<ToolName, string>>;
  /** Accounts each side resolves to, filled in when both could be resolved. */
  accounts?: { winner?: string; loser?: string };
}

export interface PrecedenceResult {
  findings: Finding[];
  conflicts: Conflict[];
}

export function explainPrecedence(input: SettingsInput, stage: StageConfig, stageName: string | undefined, decision: ProfileDecision): PrecedenceResult {
  const result: PrecedenceResult = { findings: [], conflicts: [] };
  const winner = decision.winner;
  const label = TOOL_LABELS[input.tool];

  for (const loser of decision.overridden) {
    const keysVersusProfile = (loser.kind === "environment-keys" && isProfile(winner)) || (winner?.kind === "environment-keys" && isProfile(loser));
    if (keysVersusProfile && winner?.kind === "environment-keys" && loser.kind === "stage") {
      // The stage's profile is a default for teammates. In CI, exported keys replace it as a
      // matter of course, and the account check still verifies where the keys lead.
      result.findings.push({ code: "source-overridden", severity: "info", message: `the stage's profile ${loser.value} is not used, because AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set` });
      continue;
    }
    if (keysVersusProfile && winner) {
      const conflict = makeConflict("profile-and-keys", winner, loser, input, stage, stageName);
      result.conflicts.push(conflict);
      const profileSide = winner.kind === "environment-keys" ? loser : winner;
      result.findings.push({
        code: "profile-and-keys",
        severity: "warning",
        message: `${profileSide.source}${profileSide.kind === "stage" ? "" : `=${profileSide.value}`} and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are both set${originOf(input.env)}. For ${label}, ${loser.reason}. ${otherTools(conflict, input.tool)}`,
        fix: `Unset one of them: \`unset ${profileSide.kind === "AWS_PROFILE" || profileSide.kind === "AWS_DEFAULT_PROFILE" ? profileSide.kind : "AWS_PROFILE"}\` to deploy with the keys, or \`unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\` to deploy with the profile.`,
      });
      continue;
    }
    if (winner && isProfile(winner) && isProfile(loser) && winner.value !== loser.value && overridesExpected(loser, winner)) {
      result.conflicts.push(makeConflict("profile-override", winner, loser, input, stage, stageName));
      result.findings.push({
        code: "profile-override",
        severity: "warning",
        message: `${label} uses profile ${winner.value} from ${winner.source}, not profile ${loser.value} from ${loser.source}: ${loser.reason}`,
        profile: winner.value,
        fix: winner.kind === "AWS_PROFILE" ? `Run \`unset AWS_PROFILE\` (or \`export AWS_PROFILE=${loser.value}\`) before deploying.` : `Select profile ${loser.value} with --profile ${loser.value}, or change ${loser.source}.`,
      });
      continue;
    }
    if (loser.kind === "AWS_DEFAULT_PROFILE" && input.tool === "sst-v2") {
      result.findings.push({
        code: "variable-ignored",
        severity: winner ? "info" : "warning",
        message: `AWS_DEFAULT_PROFILE=${loser.value} is ignored: ${loser.reason}`,
        fix: `Run: export AWS_PROFILE=${loser.value}`,
      });
      continue;
    }
    result.findings.push({ code: "source-overridden", severity: "info", message: `${loser.source}${loser.kind === "environment-keys" ? "" : ` (${loser.value})`} is not used: ${loser.reason}` });
  }
  return result;
}

function isProfile(source: ProfileSource | undefined): source is ProfileSource {
  return source !== undefined && source.kind !== "environment-keys";
}

/** True when the losing profile is one the user or the team asked for, so losing it is a surprise. */
function overridesExpected(loser: ProfileSource, winner: ProfileSource): boolean {
  if (loser.kind === "stage") return true;
  if (loser.kind === "config" || loser.kind === "flag") return winner.kind === "AWS_PROFILE" || winner.kind === "AWS_DEFAULT_PROFILE";
  return false;
}

function makeConflict(kind: Conflict["kind"], winner: ProfileSource, loser: ProfileSource & { reason: string }, input: SettingsInput, stage: StageConfig, stageName?: string): Conflict {
  const byTool: Partial<Record<ToolName, string>> = {};
  for (const tool of TOOL_NAMES) {
    const other = decideProfile({ ...input, tool }, stage, stageName);
    byTool[tool] = describeChoice(other.winner);
  }
  return {
    kind,
    winner: { kind: winner.kind, source: winner.source, value: winner.value },
    loser: { kind: loser.kind, source: loser.source, value: loser.value },
    reason: loser.reason,
    byTool,
  };
}

function describeChoice(winner: ProfileSource | undefined): string {
  if (!winner) return "the default chain";
  if (winner.kind === "environment-keys") return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  return `profile ${winner.value} (${winner.source})`;
}

function otherTools(conflict: Conflict, tool: ToolName): string {
  const groups = new Map<string, string[]>();
  for (const [name, choice] of Object.entries(conflict.byTool) as Array<[ToolName, string]>) {
    if (name === tool) continue;
    groups.set(choice, [...(groups.get(choice) ?? []), TOOL_LABELS[name]]);
  }
  const parts = [...groups].map(([choice, tools]) => `${tools.join(" and ")} would use ${choice}`);
  return parts.length ? `With the same settings, ${parts.join("; ")}, so tools in one repository can act as different identities.` : "";
}

/** Names the credential tool that probably exported both, from its marker variables. */
function originOf(env: NodeJS.ProcessEnv): string {
  if (env.AWS_VAULT) return ` (aws-vault exec ${env.AWS_VAULT} exported the keys)`;
  if (Object.keys(env).some((name) => name.startsWith("GRANTED_")) || env.AWS_SESSION_EXPIRATION) return " (Granted's assume exports both)";
  return "";
}
