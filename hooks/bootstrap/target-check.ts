// Checks one environment (the CDK toolkit, and SST's own bootstrap in the stage's
// environment) and, with the user's consent, bootstraps it and checks it again.
import type { CheckStatus, PreflightContext } from "../../plugin/runner/types.js";
import { askConsent, runCdkBootstrap, type FixMode } from "./fix.js";
import { bootstrapCommand } from "./guidance.js";
import { highestRequirement } from "./settings.js";
import { checkSstBootstrap } from "./sst-bootstrap.js";
import { checkToolkit } from "./toolkit-check.js";
import type { BootstrapSettings, Finding, TargetReport, Target } from "./types.js";

export const SEVERITY: Record<CheckStatus, number> = { fail: 4, unknown: 3, warn: 2, pass: 1, skip: 0 };

export async function checkTarget(context: PreflightContext, target: Target, settings: BootstrapSettings): Promise<TargetReport> {
  // The environment's own requirements come first, so that they name the source on a tie.
  const requirements = [...target.requirements, ...settings.requirements];
  const required = highestRequirement(requirements);
  const base = { target, requirements, required, toolkit: null, sst: null, fix: null };
  if (target.unreachable) {
    return { ...base, status: "skip", state: "other-account", summary: `not checked: ${target.unreachable}`, findings: [] };
  }

  const [toolkit, sst] = await Promise.all([
    context.tool.name === "sst-v3" ? undefined : checkToolkit(context, target, settings, required),
    target.primary ? checkSstBootstrap(context, target) : undefined,
  ]);
  const findings = [...(toolkit?.findings ?? []), ...(sst?.findings ?? [])];
  const worst = worstFinding(findings);
  const report: TargetReport = { ...base, toolkit: toolkit?.facts ?? null, sst: sst?.facts ?? null, findings, status: "pass", state: "healthy", summary: "" };
  if (worst && worst.status !== "pass") {
    return { ...report, status: worst.status, state: worst.state, summary: worst.summary };
  }
  const version = toolkit?.facts.version;
  report.summary = version !== null && version !== undefined
    ? `bootstrapped at version ${version}; ${required.source} requires ${required.version} or later`
    : worst?.summary ?? "bootstrapped";
  return report;
}

export function worstFinding(findings: Finding[]): Finding | undefined {
  let worst: Finding | undefined;
  for (const finding of findings) {
    if (!worst || SEVERITY[finding.status] > SEVERITY[worst.status]) worst = finding;
  }
  return worst;
}

/** True when `cdk bootstrap` alone may repair the environment. */
function canFix(report: TargetReport): boolean {
  const failing = report.findings.filter((finding) => finding.status === "fail" || finding.status === "unknown");
  return failing.length > 0 && failing.some((finding) => finding.fixable) && !failing.some((finding) => finding.status === "unknown");
}

/** Bootstraps, one at a time, the environments the user agrees to fix, and checks each again. */
export async function applyFixes(context: PreflightContext, reports: TargetReport[], settings: BootstrapSettings, mode: FixMode): Promise<TargetReport[]> {
  const result: TargetReport[] = [];
  for (const report of reports) {
    if (!canFix(report)) {
      result.push(report);
      continue;
    }
    const command = bootstrapCommand(context, report.target, settings);
    let refusal: string | undefined;
    try {
      refusal = await askConsent(context, mode, command);
    } catch (error) {
      refusal = `the question could not be asked: ${(error as Error).message}`;
    }
    if (refusal) {
      result.push({ ...report, fix: { attempted: false, command, reason: refusal } });
      continue;
    }

    const record = await runCdkBootstrap(context, report.target, settings);
    if (!record.attempted) {
      result.push({ ...report, fix: record });
      continue;
    }
    const again = await checkTarget(context, report.target, settings);
    record.recheck = again.status;
    const findings = record.exitCode === 0 ? again.findings : [{ status: "fail" as const, state: "fix-failed", summary: record.reason ?? "cdk bootstrap failed" }, ...again.findings];
    const worst = worstFinding(findings);
    const failed = record.exitCode !== 0 && SEVERITY[again.status] < SEVERITY.fail;
    result.push({
      ...again,
      findings,
      fix: record,
      ...(failed && worst ? { status: worst.status, state: worst.state, summary: worst.summary } : {}),
    });
  }
  return result;
}
