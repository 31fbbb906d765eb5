// Retries a call that AWS throttled, with exponential backoff and jitter, and
// never sleeps past the deadline or after the run was aborted.
import { setTimeout as sleep } from "node:timers/promises";
import { AwsCallError } from "../../plugin/aws/call.js";

export interface RetryPolicy {
  /** Attempts including the first. */
  attempts: number;
  /** Delay before the first retry, doubled for each further one, in milliseconds. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this many milliseconds from the first attempt. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 300, maxDelayMs: 4_000, budgetMs: 20_000 };

/**
 * Returns true for throttling. Server errors are not retried here, because the SDK client
 * already retries them once, and a service that lacks the API keeps failing.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof AwsCallError && error.kind === "throttled";
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or runs out of
 * attempts or time; then rethrows the last error. `onRetry` is called before each retry.
 */
export async function withBackoff<T>(
  attempt: () => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void },
): Promise<T> {
  const { policy, signal } = options;
  const deadline = Date.now() + policy.budgetMs;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || attemptNumber >= policy.attempts || signal.aborted) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      if (Date.now() + delayMs > deadline) throw error;
      options.onRetry?.(error, attemptNumber, delayMs);
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw error;
      }
    }
  }
}
