// The reporter of one run: the human report on stderr, plus GitHub annotations and
// the step summary when GITHUB_ACTIONS=true.
import type { CheckResult, Hook, PreflightContext } from "../runner/types.js";
import { isGithubActions, reportToGithub } from "./github.js";
import { HumanReporter, type HumanReporterOptions } from "./human.js";

export interface Reporter {
  header(context: PreflightContext): void;
  /** Called when a check starts running. */
  start(hook: Hook): void;
  result(result: CheckResult): void;
  summary(results: CheckResult[], durationMs: number, notes: string[], blocked?: boolean): void;
  /** Writes other output, such as log lines, without breaking the live lines. */
  write(text: string): void;
  /**
   * Runs `task`, such as a prompt, while the live lines are hidden. Tasks run one at a
   * time, so two checks never ask questions on the terminal at once.
   */
  suspend<T>(task: () => Promise<T>): Promise<T>;
}

export function createReporter(options: HumanReporterOptions): Reporter {
  const human = new HumanReporter(options);
  const github = options.env && isGithubActions(options.env) ? options.env : undefined;
  let context: PreflightContext | undefined;
  let previousTask: Promise<unknown> = Promise.resolve();

  return {
    header(value) {
      context = value;
      human.header(value);
    },
    start: (hook) => human.start(hook),
    result: (result) => human.result(result),
    summary(results, durationMs, notes, blocked) {
      human.summary(results, durationMs, notes, blocked);
      if (github && context) {
        reportToGithub(github, options.write, context, results, {
          blocked: blocked ?? results.some((result) => result.status === "fail"),
          durationMs,
        });
      }
    },
    write: (text) => human.write(text),
    suspend(task) {
      const next = previousTask.then(
        () => human.suspend(task),
        () => human.suspend(task),
      );
      previousTask = next.catch(() => undefined);
      return next;
    },
  };
}
