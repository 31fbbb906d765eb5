// Turns the reports of every environment into the check's outcome: the worst status,
// one line per environment, the fixes in order, and the structured `data` of --json.
import type { CheckStatus, HookOutcome } from "../../plugin/runner/types.js";
import type { AssemblyRead } from "./cloud-assembly.js";
import type { FixMode } from "./fix.js";
import { SEVERITY } from "./target-check.js";
import type { BootstrapSettings, TargetReport } from "./types.js";

export interface OutcomeInput {
  reports: TargetReport[];
  settings: BootstrapSettings;
  assembly: AssemblyRead;
  fix: { mode: FixMode; source: string };
  /** Lines about the settings files, such as an unreadable cdk.json. */
  problems: string[];
}

export function buildOutcome(input: OutcomeInput): HookOutcome {
  const { reports, settings, assembly } = input;
  const label = (report: TargetReport) => `aws://${report.target.account}/${report.target.region}`;
  let status: CheckStatus = "pass";
  for (const report of reports) if (SEVERITY[report.status] > SEVERITY[status]) status = report.status;
  const checked = reports.filter((report) => report.status !== "skip");
  if (checked.length === 0) status = "unknown";

  const attention = reports.filter((report) => report.status === "fail" || report.status === "unknown" || report.status === "warn");
  const worst = attention.find((report) => report.status === status);
  let summary: string;
  if (worst) {
    const others = attention.length - 1;
    summary = `${label(worst)}: ${worst.summary}${others > 0 ? `; ${others} more environment${others === 1 ? "" : "s"} need attention` : ""}`;
  } else if (checked.length === 0) {
    summary = "no environment could be checked with these credentials";
  } else if (checked.length === 1) {
    const only = checked[0]!;
    summary = `${label(only)}: ${only.summary}${only.fix?.attempted ? ", bootstrapped by this run" : ""}`;
  } else {
    const versions = checked.map((report) => `${label(report)}${report.toolkit?.version ? ` v${report.toolkit.version}` : ""}${report.fix?.attempted ? " by this run" : ""}`);
    summary = `${checked.length} environment${checked.length === 1 ? "" : "s"} bootstrapped: ${versions.join(", ")}`;
  }

  const details: string[] = [];
  for (const report of reports) {
    const reasonsLine = `checked for: ${report.target.reasons.join("; ")}`;
    if (reports.length > 1) details.push(`${label(report)} ${report.status}: ${report.summary}`, `  ${reasonsLine}`);
    else details.push(`${label(report)} ${reasonsLine}`);
    for (const finding of report.findings) {
      if (finding.summary !== report.summary) details.push(`  ${finding.status}: ${finding.summary}`);
      for (const line of finding.details ?? []) details.push(`  ${line}`);
    }
    if (report.fix) details.push(`  fix: ${fixLine(report)}`);
  }
  details.push(
    `qualifier ${settings.qualifier.value} (from ${settings.qualifier.source}), toolkit stack ${settings.toolkitStackName.value} (from ${settings.toolkitStackName.source}), version parameter ${settings.parameterName.value}`,
  );
  details.push(assemblyLine(assembly));
  details.push(...settings.notes, ...input.problems);

  const guidance: string[] = [];
  for (const report of attention) {
    const steps = report.findings.filter((finding) => finding.status !== "pass").flatMap((finding) => finding.guidance ?? []);
    const prefix = attention.length > 1 ? `${label(report)}: ` : "";
    guidance.push(...steps.map((step) => `${prefix}${step}`));
  }
  const fixable = attention.filter((report) => report.status === "fail" && report.findings.some((finding) => finding.fixable));
  if (fixable.length > 0 && input.fix.mode !== "auto") {
    const reason = fixable.find((report) => report.fix?.reason)?.fix?.reason;
    const notRun = reason ? ` It did not run now because ${reason}.` : "";
    guidance.push(`Or let sst-preflight run cdk bootstrap: sst-preflight check --fix, or set bootstrap.fix to "auto".${notRun}`);
  }

  return {
    status,
    summary,
    details,
    guidance: [...new Set(guidance)],
    data: {
      qualifier: settings.qualifier,
      toolkitStackName: settings.toolkitStackName,
      parameterName: settings.parameterName,
      fixMode: input.fix,
      cloudAssembly: assemblyData(assembly),
      targets: reports.map((report) => ({
        environment: label(report),
        account: report.target.account,
        region: report.target.region,
        reasons: report.target.reasons,
        status: report.status,
        state: report.state,
        summary: report.summary,
        versionFound: report.toolkit?.version ?? null,
        versionRequired: report.required.version,
        requiredBy: report.required.source,
        requirements: report.requirements,
        toolkit: report.toolkit,
        sst: report.sst,
        findings: report.findings.map(({ status: findingStatus, state, summary: text }) => ({ status: findingStatus, state, summary: text })),
        fix: report.fix,
      })),
    },
  };
}

function fixLine(report: TargetReport): string {
  const fix = report.fix!;
  if (!fix.attempted) return `${fix.command} was not run: ${fix.reason ?? "no consent"}`;
  const seconds = fix.durationMs !== undefined ? ` in ${(fix.durationMs / 1000).toFixed(1)} s` : "";
  return `ran ${fix.command}: exit code ${fix.exitCode}${seconds}; checked again: ${fix.recheck ?? "not checked"}`;
}

function assemblyLine(assembly: AssemblyRead): string {
  if (assembly.kind === "none") return `cloud assembly: none at ${assembly.label} (only the deploy region and configured regions were checked)`;
  if (assembly.kind === "invalid") return `cloud assembly ${assembly.label} could not be read: ${assembly.problem}. Synthesize again (npx cdk synth) or delete it.`;
  return `cloud assembly ${assembly.label}, written ${assembly.writtenAt.toISOString()}, lists ${assembly.artifacts.length} stacks and asset manifests`;
}

function assemblyData(assembly: AssemblyRead): Record<string, unknown> {
  if (assembly.kind === "read") return { path: assembly.label, status: "read", writtenAt: assembly.writtenAt.toISOString() };
  if (assembly.kind === "invalid") return { path: assembly.label, status: "invalid", problem: assembly.problem };
  return { path: assembly.label, status: "none" };
}
