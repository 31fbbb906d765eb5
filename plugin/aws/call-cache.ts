// Shares the results of read-only AWS calls between the sessions of one run, such as
// the stages of `check --all-stages`: ten stages in one account ask for the same
// toolkit stack, role and simulation, and each question goes to AWS once.
import type { AwsCredentialIdentityProvider } from "@smithy/types";

// Operations that only read, by their SDK command class name.
const READ_ONLY = /^(Get|Describe|List|Head|Simulate)\w*Command$/;

/** Results of read-only calls by caller, service, region, operation and input. */
export class AwsCallCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  /** Number of distinct calls made through the cache so far. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Returns the pending or finished result of an identical earlier call, or makes the
   * call. Failed calls are forgotten, so the next session calls again.
   */
  share<T>(key: string, call: () => Promise<T>): Promise<T> {
    const existing = this.entries.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const pending = call();
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    return pending;
  }
}

interface Sendable {
  send(command: unknown, options?: unknown): Promise<unknown>;
}

/**
 * Makes `client.send` share read-only calls through `cache`. The key includes the
 * access key ID (never the secret), so sessions with other credentials never share.
 * NOTE: a shared call carries the abort signal of the session that made it first, so a
 * session whose budget ends early can turn the same call into a timeout for the others.
 */
export function shareReadCalls<C extends Sendable>(client: C, prefix: string, credentials: AwsCredentialIdentityProvider | undefined, cache: AwsCallCache): C {
  const send = client.send.bind(client);
  const shared = async (command: unknown, options?: unknown): Promise<unknown> => {
    const name = (command as { constructor?: { name?: string } })?.constructor?.name ?? "";
    if (!READ_ONLY.test(name) || !credentials) return send(command, options);
    const caller = (await credentials()).accessKeyId;
    const input = JSON.stringify((command as { input?: unknown }).input ?? {});
    return cache.share(`${caller}|${prefix}|${name}|${input}`, () => send(command, options));
  };
  client.send = shared as C["send"];
  return client;
}
