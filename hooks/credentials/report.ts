// Builds the check's result: the summary line, detail lines, guidance, and the
// `data` object of the --json report. Its shape is documented in docs/credentials.md.
import type { HookOutcome, Sourced } from "../../plugin/runner/types.js";
import type { ToolName } from "../../plugin/config/schema.js";
import type { Analysis } from "./analysis.js";
import type { ChainLink, ChainStep } from "./chain/types.js";
import { formatSteps } from "./chain/types.js";
import { describeFinding, sortFindings, statusOf, uniqueFindings, type Finding } from "./findings.js";
import type { Conflict } from "./precedence.js";
import type { LinkAttempt } from "./resolve.js";

const MAX_FINDINGS_SHOWN = 20;

export interface CredentialsData {
  mode: "offline" | "online";
  tool: ToolName;
  /** Origin of the credentials, such as "profile dev (from AWS_PROFILE)". */
  source: string;
  profile: Sourced<string> | null;
  region: Sourced<string> | null;
  chain: {
    links: ChainLink[];
    steps: ChainStep[];
    /** The steps joined into one line. */
    text: string;
  };
  /** Every finding, errors first. */
  findings: Finding[];
  conflicts: Conflict[];
  expiration: { at: string; source: string } | null;
  sessionTool: { name: string; evidence: string } | null;
  mfa: { devices: string[]; prompted: boolean } | null;
  /** Online: each link that failed, with its own error. */
  attempts: LinkAttempt[];
  identity: { account: string; arn: string } | null;
}

export interface ReportInput {
  analysis: Analysis;
  mode: "offline" | "online";
  profile: Sourced<string> | undefined;
  region: Sourced<string> | undefined;
  findings: Finding[];
  attempts?: LinkAttempt[];
  identity?: { account: string; arn: string };
  accessKeyId?: string;
  expiration?: { at: Date; source: string };
  mfaPrompted?: boolean;
  /** Forces the status, such as "unknown" after a timeout. */
  status?: HookOutcome["status"];
}

export function buildOutcome(input: ReportInput): HookOutcome {
  const { analysis } = input;
  const findings = uniqueFindings(sortFindings(input.findings));
  const status = input.status ?? statusOf(findings);
  const chainText = formatSteps(analysis.plan.steps);
  const problems = findings.filter((finding) => finding.severity !== "info");

  const details: string[] = [`source: ${analysis.source}`];
  details.push(input.profile ? `profile: ${input.profile.value} (from ${input.profile.source})` : "profile: none");
  details.push(input.region ? `region: ${input.region.value} (from ${input.region.source})` : "region: none found");
  if (chainText) details.push(`chain: ${chainText}`);
  if (input.accessKeyId) details.push(`access key ID: ${input.accessKeyId}`);
  if (input.identity) details.push(`identity: ${input.identity.arn}`);
  if (input.expiration) details.push(`expires: ${input.expiration.at.toISOString()} (from ${input.expiration.source})`);
  for (const attempt of input.attempts ?? []) details.push(`${attempt.kind} credentials failed: ${attempt.error}`);
  for (const conflict of analysis.conflicts) {
    if (conflict.accounts?.winner && conflict.accounts.loser) {
      details.push(`${conflict.winner.source} resolves to account ${conflict.accounts.winner}; ${conflict.loser.source} to account ${conflict.accounts.loser}`);
    }
  }
  // A file that is not INI at all can yield hundreds of findings; the report shows the
  // first ones and --json keeps them all.
  for (const finding of findings.slice(0, MAX_FINDINGS_SHOWN)) details.push(`${finding.severity === "info" ? "note" : finding.severity}: ${describeFinding(finding)}`);
  if (findings.length > MAX_FINDINGS_SHOWN) details.push(`... and ${findings.length - MAX_FINDINGS_SHOWN} more findings, listed in --json`);

  const guidance = [...new Set(problems.filter((finding) => finding.fix).map(guidanceLine))].slice(0, MAX_FINDINGS_SHOWN);
  const data: CredentialsData = {
    mode: input.mode,
    tool: analysis.input.tool,
    source: analysis.source,
    profile: input.profile ?? null,
    region: input.region ?? null,
    chain: { links: analysis.plan.links, steps: analysis.plan.steps, text: chainText },
    findings,
    conflicts: analysis.conflicts,
    expiration: input.expiration ? { at: input.expiration.at.toISOString(), source: input.expiration.source } : null,
    sessionTool: analysis.sessionTool ?? null,
    mfa: analysis.plan.mfa.length ? { devices: analysis.plan.mfa.map((entry) => entry.serial), prompted: input.mfaPrompted === true } : null,
    attempts: input.attempts ?? [],
    identity: input.identity ?? null,
  };
  return { status, summary: summarize(input, status, findings, chainText), details, guidance, data: data as unknown as Record<string, unknown> };
}

/** Puts the file and line in front of a fix, so the guidance alone names the place to edit. */
function guidanceLine(finding: Finding): string {
  if (!finding.file) return finding.fix!;
  return `${finding.file}${finding.line ? `:${finding.line}` : ""}: ${finding.fix}`;
}

function summarize(input: ReportInput, status: HookOutcome["status"], findings: readonly Finding[], chainText: string): string {
  const failed = status === "fail" || status === "unknown";
  const first = (failed ? findings.find((finding) => finding.severity === "error") : undefined) ?? findings.find((finding) => finding.severity === "warning");
  if (status === "fail" || status === "unknown") return first?.message ?? `could not resolve credentials from ${input.analysis.source}`;
  const base =
    input.mode === "offline"
      ? `offline: ${input.analysis.source}${chainText ? `: ${chainText}` : ""} (no AWS call made)`
      : `${input.identity?.arn ?? "unknown identity"} via ${input.analysis.source} (${input.accessKeyId ?? "no key ID"})`;
  const warnings = findings.filter((finding) => finding.severity === "warning").length;
  if (status === "warn" && first) return `${base}; ${warnings > 1 ? `${warnings} warnings, first: ` : ""}${first.message}`;
  return base;
}
