// The report for people, written to stderr: a header, a line per check, then a
// summary. On a terminal each running check has a live line with a spinner and its
// elapsed time, which the result replaces. Elsewhere only plain lines are written.
// stdout stays free for --json and the wrapped tool.
import type { CheckResult, CheckStatus, Hook, PreflightContext } from "../runner/types.js";
import { palette, type Palette } from "./color.js";
import { formatElapsed, LiveArea } from "./live.js";
import { formatDuration, stripControl } from "./text.js";

export interface HumanReporterOptions {
  write(text: string): void;
  color: boolean;
  verbose?: boolean;
  quiet?: boolean;
  /**
   * Redraw running checks in place. Set it only when `write` goes to a terminal and CI
   * is not set; TERM=dumb turns it off.
   */
  live?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Terminal width in columns, for the live lines. */
  columns?: () => number | undefined;
  /** Milliseconds before a plain "still running" line; 10 s by default, then every 30 s. */
  noticeAfterMs?: number;
}

const SYMBOLS: Record<CheckStatus, string> = { pass: "✔", warn: "⚠", fail: "✖", skip: "○", unknown: "?" };
const TITLE_WIDTH = 13;
// Without live lines, a check that runs this long gets a plain "still running" line,
// so CI logs show progress during a slow step such as a bootstrap.
const FIRST_NOTICE_MS = 10_000;
const NEXT_NOTICE_MS = 30_000;

export class HumanReporter {
  private readonly paint: Palette;
  private readonly live: LiveArea | undefined;
  private readonly notices = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: HumanReporterOptions) {
    this.paint = palette(options.color);
    const redraw = options.live === true && options.quiet !== true && options.env?.TERM !== "dumb";
    this.live = redraw
      ? new LiveArea({
          write: options.write,
          columns: options.columns ?? (() => process.stderr.columns),
          format: (frame, title, elapsedMs) =>
            `${this.paint.cyan(frame)} ${title.padEnd(TITLE_WIDTH)} ${this.paint.dim(`running ${formatElapsed(elapsedMs)}`)}`,
        })
      : undefined;
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
    this.write(`${this.paint.bold("sst-preflight")} ${this.paint.dim(stripControl(parts.join(" · ")))}\n`);
  }

  start(hook: Hook): void {
    if (this.live) {
      this.live.add(hook.id, hook.title);
      return;
    }
    if (this.options.quiet) return;
    const began = performance.now();
    const notify = (delay: number) => {
      const timer = setTimeout(() => {
        this.options.write(`… ${hook.title} is still running (${formatElapsed(performance.now() - began)})\n`);
        notify(this.options.noticeAfterMs === undefined ? NEXT_NOTICE_MS : this.options.noticeAfterMs * 3);
      }, delay);
      timer.unref();
      this.notices.set(hook.id, timer);
    };
    notify(this.options.noticeAfterMs ?? FIRST_NOTICE_MS);
  }

  result(result: CheckResult): void {
    clearTimeout(this.notices.get(result.id));
    this.notices.delete(result.id);
    const text = this.formatResult(result);
    if (this.live) this.live.finish(result.id, text);
    else if (text) this.options.write(text);
  }

  summary(results: CheckResult[], durationMs: number, notes: string[], blocked?: boolean): void {
    this.live?.stop();
    for (const timer of this.notices.values()) clearTimeout(timer);
    this.notices.clear();

    const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
    const parts = [
      `${count("pass")} passed`,
      count("warn") ? this.paint.yellow(`${count("warn")} warned`) : "",
      count("fail") ? this.paint.red(`${count("fail")} failed`) : "",
      count("unknown") ? this.paint.yellow(`${count("unknown")} unknown`) : "",
      count("skip") ? `${count("skip")} skipped` : "",
    ].filter(Boolean);
    for (const note of notes) this.options.write(`${this.paint.dim("•")} ${stripControl(note)}\n`);
    const problems = count("fail") + count("warn") + count("unknown");
    if (this.options.quiet && problems === 0) return;
    // A warning or unknown blocks only under --fail-on, so the summary names the reason.
    const verdict = blocked === true && count("fail") === 0 ? this.paint.red(" (blocked by --fail-on)") : "";
    this.options.write(`${parts.join(", ")}${verdict} ${this.paint.dim(`in ${formatDuration(durationMs)}`)}\n`);
  }

  /** Writes other output, such as log lines, without breaking the live lines. */
  write(text: string): void {
    if (this.live) this.live.print(text);
    else this.options.write(text);
  }

  message(text: string): void {
    this.write(`${text}\n`);
  }

  /** Runs `task`, such as a prompt, while the live lines are hidden. */
  suspend<T>(task: () => Promise<T>): Promise<T> {
    return this.live ? this.live.suspend(task) : task();
  }

  private formatResult(result: CheckResult): string {
    const needsDetail = result.status === "warn" || result.status === "fail" || result.status === "unknown";
    if (this.options.quiet && !needsDetail) return "";

    const symbol = this.colorFor(result.status)(SYMBOLS[result.status]);
    const title = result.title.padEnd(TITLE_WIDTH);
    const time = this.paint.dim(`${result.durationMs} ms`);
    const lines = [`${symbol} ${title} ${stripControl(result.summary)}${result.status === "skip" ? "" : `  ${time}`}`];

    if (needsDetail || this.options.verbose) {
      for (const detail of result.details) lines.push(`    ${indent(stripControl(detail))}`);
      for (const hint of result.guidance) lines.push(`    ${this.paint.cyan("→")} ${indent(stripControl(hint))}`);
    }
    if (result.downgraded) lines.push(this.paint.dim(`    (reported as a warning because checks.${result.id} is "warn")`));
    return `${lines.join("\n")}\n`;
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
