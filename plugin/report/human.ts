// The report for people, written to stderr: a header, a line per check as it
// finishes, then a summary. stdout stays free for --json and the wrapped tool.
import type { CheckResult, CheckStatus, PreflightContext } from "../runner/types.js";
import { palette, type Palette } from "./color.js";

export interface HumanReporterOptions {
  write(text: string): void;
  color: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

const SYMBOLS: Record<CheckStatus, string> = { pass: "✔", warn: "⚠", fail: "✖", skip: "○", unknown: "?" };

export class HumanReporter {
  private readonly paint: Palette;

  constructor(private readonly options: HumanReporterOptions) {
    this.paint = palette(options.color);
  }

  header(context: PreflightContext): void {
    if (this.options.quiet) return;
    const parts = [
      `${context.tool.name}${context.tool.version ? ` ${context.tool.version}` : ""}`,
      context.command,
      context.stage ? `stage ${context.stage.value} (${context.stage.source})` : "no stage",
      context.region ? `region ${context.region.value} (${context.region.source})` : "no region",
    ];
    if (context.profile) parts.push(`profile ${context.profile.value} (${context.profile.source})`);
    this.options.write(`${this.paint.bold("sst-preflight")} ${this.paint.dim(parts.join(" · "))}\n`);
  }

  result(result: CheckResult): void {
    const shown = result.status === "warn" || result.status === "fail" || result.status === "unknown";
    if (this.options.quiet && !shown) return;

    const symbol = this.colorFor(result.status)(SYMBOLS[result.status]);
    const title = result.title.padEnd(13);
    const time = this.paint.dim(`${result.durationMs} ms`);
    const lines = [`${symbol} ${title} ${result.summary}${result.status === "skip" ? "" : `  ${time}`}`];

    if (shown || this.options.verbose) {
      for (const detail of result.details) lines.push(`    ${indent(detail)}`);
      for (const hint of result.guidance) lines.push(`    ${this.paint.cyan("→")} ${indent(hint)}`);
    }
    if (result.downgraded) lines.push(this.paint.dim("    (reported as a warning because checks." + result.id + ' is "warn")'));
    this.options.write(`${lines.join("\n")}\n`);
  }

  summary(results: CheckResult[], durationMs: number, notes: string[]): void {
    const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
    const parts = [
      `${count("pass")} passed`,
      count("warn") ? this.paint.yellow(`${count("warn")} warned`) : "",
      count("fail") ? this.paint.red(`${count("fail")} failed`) : "",
      count("unknown") ? this.paint.yellow(`${count("unknown")} unknown`) : "",
      count("skip") ? `${count("skip")} skipped` : "",
    ].filter(Boolean);
    for (const note of notes) this.options.write(`${this.paint.dim("•")} ${note}\n`);
    if (this.options.quiet && count("fail") === 0 && count("warn") === 0 && count("unknown") === 0) return;
    const took = durationMs < 1000 ? `${Math.round(durationMs)} ms` : `${(durationMs / 1000).toFixed(1)} s`;
    this.options.write(`${parts.join(", ")} ${this.paint.dim(`in ${took}`)}\n`);
  }

  message(text: string): void {
    this.options.write(`${text}\n`);
  }

  private colorFor(status: CheckStatus): (text: string) => string {
    if (status === "pass") return this.paint.green;
    if (status === "fail") return this.paint.red;
    if (status === "warn" || status === "unknown") return this.paint.yellow;
    return this.paint.dim;
  }
}

function indent(text: string): string {
  return text.replace(/\n/g, "\n      ");
}
