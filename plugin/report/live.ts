// Lines of the running checks, redrawn in place at the bottom of a terminal. Each
// repaint moves the cursor up over the lines it drew last time, clears to the end of
// the screen, prints the finished output above, then the running lines again.

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAME_MS = 80;

const CURSOR_UP = (lines: number) => `\u001b[${lines}A`;
const CLEAR_TO_END = "\u001b[J";

export interface LiveAreaOptions {
  write(text: string): void;
  /** Formats one running line from the spinner frame, the title and the elapsed milliseconds. */
  format(frame: string, title: string, elapsedMs: number): string;
  /** Width of the terminal in columns; running lines are cut to fit so each takes one row. */
  columns(): number | undefined;
  now?: () => number;
}

interface Running {
  title: string;
  began: number;
}

export class LiveArea {
  private readonly running = new Map<string, Running>();
  private drawnLines = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private suspended = 0;
  /** Output written while a prompt owns the terminal, printed when it returns. */
  private pending = "";

  constructor(private readonly options: LiveAreaOptions) {}

  add(id: string, title: string): void {
    this.running.set(id, { title, began: this.now() });
    this.startTimer();
    if (this.suspended === 0) this.repaint("");
  }

  /** Removes a running line and prints its final text in its place. */
  finish(id: string, text: string): void {
    this.running.delete(id);
    if (this.running.size === 0) this.stopTimer();
    this.print(text);
  }

  /** Prints text above the running lines. */
  print(text: string): void {
    if (this.suspended > 0) {
      this.pending += text;
      return;
    }
    this.repaint(text);
  }

  /** Runs `task`, such as a prompt, with the running lines removed and the spinner stopped. */
  async suspend<T>(task: () => Promise<T>): Promise<T> {
    if (this.suspended === 0) this.repaint("", true);
    this.suspended++;
    try {
      return await task();
    } finally {
      this.suspended--;
      if (this.suspended === 0) {
        const text = this.pending;
        this.pending = "";
        this.repaint(text);
      }
    }
  }

  /** Stops the spinner and removes the running lines for good. */
  stop(): void {
    this.stopTimer();
    this.running.clear();
    const text = this.pending;
    this.pending = "";
    this.suspended = 0;
    this.repaint(text);
  }

  private repaint(text: string, hideRunning = false): void {
    let output = this.drawnLines > 0 ? `${CURSOR_UP(this.drawnLines)}\r${CLEAR_TO_END}` : "";
    output += text;
    const lines = hideRunning ? [] : this.runningLines();
    for (const line of lines) output += `${line}\n`;
    this.drawnLines = lines.length;
    if (output) this.options.write(output);
  }

  private runningLines(): string[] {
    const frame = FRAMES[this.frame % FRAMES.length]!;
    const width = this.options.columns() ?? 80;
    const now = this.now();
    return [...this.running.values()].map((entry) => {
      // Leave the last column free: a line that fills it wraps on some terminals.
      const title = truncate(entry.title, Math.max(width - 24, 8));
      return this.options.format(frame, title, now - entry.began);
    });
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.frame++;
      if (this.suspended === 0) this.repaint("");
    }, FRAME_MS);
    // The spinner alone must never keep the process alive.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Formats an elapsed time for the running lines, such as "0.4 s" or "12 s". */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds)} s`;
}
