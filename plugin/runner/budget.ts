// The run's time budget: an abort signal that fires when the budget is spent, and
// that can be paused while the user answers a prompt or a consented fix runs.

export class RunBudget {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private remainingMs: number;
  private startedAt = 0;
  private pauses = 0;

  constructor(private readonly seconds: number) {
    this.remainingMs = seconds * 1000;
    this.start();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the clock until the returned function is called; pauses may nest. */
  pause(): () => void {
    if (this.pauses++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remainingMs -= performance.now() - this.startedAt;
    }
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      if (--this.pauses === 0 && !this.controller.signal.aborted) this.start();
    };
  }

  /** Stops the clock for good at the end of the run. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.startedAt = performance.now();
    // A referenced timer, unlike AbortSignal.timeout, keeps the process alive until the
    // budget ends, so a hook stuck on a promise still gets reported as unknown.
    this.timer = setTimeout(
      () => this.controller.abort(new Error(`the run's time budget of ${this.seconds} s was spent`)),
      Math.max(0, this.remainingMs),
    );
  }
}
