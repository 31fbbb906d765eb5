// GitHub Actions output: an ::error or ::warning annotation per check that did not
// pass, and a Markdown table appended to the step summary ($GITHUB_STEP_SUMMARY).
// The runner reads workflow commands from stderr as well as stdout (actions/runner,
// src/Runner.Worker/Handlers/ScriptHandler.cs), so they go to stderr and stdout
// stays a clean --json document.
import { appendFileSync } from "node:fs";
import type { CheckResult, CheckStatus, PreflightContext } from "../runner/types.js";
import { describeError } from "../errors.js";
import { formatDuration, stripControl } from "./text.js";

const SYMBOLS: Record<CheckStatus, string> = { pass: "✅", warn: "⚠️", fail: "❌", skip: "⏭️", unknown: "❔" };

export function isGithubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

/** Escapes the message of a workflow command, as the Actions toolkit does. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value of a workflow command, such as `title=`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Returns the annotation lines for the checks that failed, warned or could not decide. */
export function annotations(results: CheckResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const level = annotationLevel(result.status);
    if (!level) continue;
    const label = result.status === "unknown" ? " (unknown)" : "";
    const body = [result.summary, ...result.details, ...result.guidance.map((hint) => `→ ${hint}`)].map(stripControl).join("\n");
    lines.push(`::${level} title=${escapeProperty(`sst-preflight ${result.title}${label}`)}::${escapeData(body)}`);
  }
  return lines;
}

function annotationLevel(status: CheckStatus): "error" | "warning" | undefined {
  if (status === "fail") return "error";
  if (status === "warn" || status === "unknown") return "warning";
  return undefined;
}

/** Builds the Markdown block for the step summary. */
export function stepSummary(context: PreflightContext, results: CheckResult[], verdict: { blocked: boolean; durationMs: number }): string {
  const heading = verdict.blocked ? "❌ sst-preflight stopped the run" : "✅ sst-preflight passed";
  const facts = [
    `\`${context.command}\``,
    context.stage ? `stage \`${context.stage.value}\`` : "no stage",
    context.region ? `region \`${context.region.value}\`` : "no region",
    context.identity ? `account \`${context.identity.account}\`` : undefined,
    `in ${formatDuration(verdict.durationMs)}`,
  ].filter((part): part is string => part !== undefined);

  const lines = [`### ${heading}`, "", stripControl(facts.join(" · ")), "", "| check | status | summary |", "|---|---|---|"];
  for (const result of results) {
    lines.push(`| ${cell(result.title)} | ${SYMBOLS[result.status]} ${result.status} | ${cell(result.summary)} |`);
  }

  for (const result of results) {
    if (result.status !== "fail" && result.status !== "warn" && result.status !== "unknown") continue;
    if (result.details.length === 0 && result.guidance.length === 0) continue;
    lines.push("", `<details${result.status === "fail" ? " open" : ""}><summary><b>${html(result.title)}</b>: ${html(result.status)}</summary>`, "");
    for (const detail of result.details) lines.push(...listItem(detail));
    for (const hint of result.guidance) lines.push(...listItem(hint, "→ "));
    lines.push("", "</details>");
  }
  return `${lines.join("\n")}\n\n`;
}

/**
 * Writes the annotations with `write` and appends the step summary to the file named
 * by GITHUB_STEP_SUMMARY. A summary that cannot be written is reported, not thrown.
 */
export function reportToGithub(
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
  context: PreflightContext,
  results: CheckResult[],
  verdict: { blocked: boolean; durationMs: number },
): void {
  const lines = annotations(results);
  if (lines.length > 0) write(`${lines.join("\n")}\n`);

  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendFileSync(file, stepSummary(context, results, verdict));
  } catch (error) {
    write(`sst-preflight: could not append the step summary to ${file} (GITHUB_STEP_SUMMARY): ${describeError(error)}\n`);
  }
}

/** Makes text safe inside a Markdown table cell: one line, no column breaks. */
function cell(text: string): string {
  return html(stripControl(text)).replace(/\|/g, "\\|").replace(/\n+/g, "<br>");
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Formats a list item, with multi-line text such as a policy document in a code block. */
function listItem(text: string, prefix = ""): string[] {
  const clean = stripControl(text);
  if (!clean.includes("\n")) return [`- ${prefix}${html(clean)}`];
  const fence = clean.includes("```") ? "````" : "```";
  return [`- ${prefix}`, "", `  ${fence}`, ...clean.split("\n").map((line) => `  ${line}`), `  ${fence}`];
}
