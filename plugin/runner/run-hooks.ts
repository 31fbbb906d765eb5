// Runs hooks as soon as the hooks they need have finished, so independent checks
// overlap. A hook that throws or outlives the run's budget becomes an "unknown"
// result; it never hides the results of the others.
import type { CheckSetting, HookId } from "../config/schema.js";
import { describeError } from "../errors.js";
import type { CheckResult, CheckStatus, Hook, HookOutcome, PreflightContext } from "./types.js";

export interface RunListener {
  onStart?(hook: Hook): void;
  onResult?(result: CheckResult): void;
}

const PASSING: ReadonlySet<CheckStatus> = new Set(["pass", "warn"]);

export async function runHooks(hooks: Hook[], context: PreflightContext, listener: RunListener = {}): Promise<CheckResult[]> {
  const running = new Map<HookId, Promise<CheckResult>>();

  const start = (hook: Hook): Promise<CheckResult> => {
    const existing = running.get(hook.id);
    if (existing) return existing;
    const promise = runOne(hook, context, listener, (id) => {
      const needed = hooks.find((candidate) => candidate.id === id);
      return needed ? start(needed) : undefined;
    });
    running.set(hook.id, promise);
    return promise;
  };

  const results = await Promise.all(hooks.map(start));
  return results;
}

async function runOne(
  hook: Hook,
  context: PreflightContext,
  listener: RunListener,
  resultOf: (id: HookId) => Promise<CheckResult> | undefined,
): Promise<CheckResult> {
  const setting: CheckSetting = context.config.checks?.[hook.id] ?? "on";
  let began = performance.now();
  const finish = (outcome: HookOutcome): CheckResult => {
    const result = toResult(hook, outcome, setting, performance.now() - began);
    listener.onResult?.(result);
    return result;
  };

  if (setting === "off") return finish({ status: "skip", summary: `turned off in the configuration (checks.${hook.id})` });

  for (const id of hook.needs ?? []) {
    const needed = await resultOf(id);
    if (needed && !PASSING.has(needed.status)) {
      if (!hook.whenNeedsUnmet) return finish({ status: "skip", summary: `skipped because the ${needed.title} check did not pass` });
      try {
        return finish(await raceWithSignal(Promise.resolve(hook.whenNeedsUnmet(context, needed)), context.signal));
      } catch (error) {
        return finish(context.signal.aborted ? stopped(context) : crashed(error));
      }
    }
  }

  let reason: string | undefined;
  try {
    reason = await hook.skipReason?.(context);
  } catch (error) {
    return finish(crashed(error));
  }
  if (reason) return finish({ status: "skip", summary: reason });

  listener.onStart?.(hook);
  began = performance.now();
  try {
    const outcome = await raceWithSignal(hook.run(context), context.signal);
    return finish(outcome);
  } catch (error) {
    return finish(context.signal.aborted ? stopped(context) : crashed(error));
  }
}

/** Describes a hook cut short by the run's budget or by an interrupt. */
function stopped(context: PreflightContext): HookOutcome {
  const reason = context.signal.reason instanceof Error ? context.signal.reason.message : "";
  const budgetSpent = reason.includes("time budget");
  return {
    status: "unknown",
    summary: budgetSpent ? `stopped before it finished: ${reason}` : "stopped before it finished: the run was interrupted",
    guidance: budgetSpent ? ["Raise timeoutSeconds in the configuration if the network is slow."] : [],
  };
}

function crashed(error: unknown): HookOutcome {
  const details = error instanceof Error && error.stack && process.env.NODE_DEBUG?.includes("preflight") ? [error.stack] : [];
  return {
    status: "unknown",
    summary: `the check failed with an unexpected error: ${describeError(error)}`,
    details,
    guidance: ["Run again with --debug and report the output; the other checks are not affected."],
  };
}

function toResult(hook: Hook, outcome: HookOutcome, setting: CheckSetting, durationMs: number): CheckResult {
  const downgraded = setting === "warn" && outcome.status === "fail";
  return {
    ...outcome,
    id: hook.id,
    title: hook.title,
    status: downgraded ? "warn" : outcome.status,
    details: outcome.details ?? [],
    guidance: outcome.guidance ?? [],
    durationMs: Math.round(durationMs),
    ...(downgraded ? { downgraded: true } : {}),
  };
}

function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Orders statuses from worst to best for the overall verdict. */
const SEVERITY: Record<CheckStatus, number> = { fail: 4, unknown: 3, warn: 2, pass: 1, skip: 0 };

export function overallStatus(results: CheckResult[]): CheckStatus {
  let worst: CheckStatus = "pass";
  for (const result of results) {
    if (SEVERITY[result.status] > SEVERITY[worst]) worst = result.status;
  }
  return worst;
}

export type FailOn = "fail" | "unknown" | "warn";

/** Whether the results should stop the deploy: any fail, or worse than `failOn` allows. */
export function shouldBlock(results: CheckResult[], failOn: FailOn = "fail"): boolean {
  const threshold = SEVERITY[failOn];
  return results.some((result) => SEVERITY[result.status] >= threshold);
}
