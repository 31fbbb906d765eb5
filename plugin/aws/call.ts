// Runs one AWS call with a deadline and turns its failure into a classified error
// that hooks can map to a status: denied, not found, throttled, credentials, network.

export type AwsFailureKind =
  | "access-denied"
  | "not-found"
  | "throttled"
  | "expired-token"
  | "invalid-token"
  | "signature"
  | "timeout"
  | "network"
  | "server"
  | "malformed-response"
  | "other";

export class AwsCallError extends Error {
  constructor(
    /** IAM action name, such as "cloudformation:DescribeStacks". */
    readonly action: string,
    readonly kind: AwsFailureKind,
    /** AWS error code, such as "AccessDenied", when the service sent one. */
    readonly code: string | undefined,
    message: string,
    readonly httpStatus: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }

  override get name(): string {
    return "AwsCallError";
  }
}

/** Failures worth another attempt: the next one may well succeed. */
const RETRYABLE: ReadonlySet<AwsFailureKind> = new Set(["throttled", "server", "network"]);
const DEFAULT_ATTEMPTS = 2;
// Base delays of the backoff: throttling needs longer pauses than a dropped connection.
const THROTTLED_BASE_DELAY_MS = 400;
const OTHER_BASE_DELAY_MS = 100;

/**
 * Runs `send` with an abort signal that fires after `timeoutMs` or when `signal` aborts,
 * and rejects with an AwsCallError. `action` names the IAM action for messages. Usage:
 * `callAws("sts:GetCallerIdentity", (abortSignal) => sts.send(command, { abortSignal }), options)`.
 *
 * Throttling, server errors and dropped connections are retried with backoff, up to
 * `attempts` in all (default 2), but only while the pause still fits in `timeoutMs`.
 * The SDK's own retries are off (see AwsClients), so the error that ends the call is
 * the service's last response, not a timeout that hides it.
 */
export async function callAws<Output>(
  action: string,
  send: (abortSignal: AbortSignal) => Promise<Output>,
  options: { timeoutMs: number; signal?: AbortSignal; attempts?: number },
): Promise<Output> {
  const deadline = performance.now() + options.timeoutMs;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const abortSignal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  let previous: AwsCallError | undefined;

  for (let attempt = 1; ; attempt++) {
    try {
      return await send(abortSignal);
    } catch (error) {
      if (timeout.aborted) {
        const earlier = previous ? `; the attempt before failed: ${previous.message}` : "";
        throw new AwsCallError(action, "timeout", previous?.code, `${action} timed out after ${options.timeoutMs / 1000} s${earlier}`, previous?.httpStatus, { cause: error });
      }
      const failure = classifyAwsError(action, error);
      const delayMs = backoffMs(failure.kind, attempt);
      const retry = RETRYABLE.has(failure.kind) && attempt < attempts && performance.now() + delayMs < deadline && !abortSignal.aborted;
      if (!retry) throw failure;
      previous = failure;
      if (!(await pause(delayMs, abortSignal))) throw failure;
    }
  }
}

/** Returns the pause before the next attempt: exponential, with jitter over its upper half. */
function backoffMs(kind: AwsFailureKind, attempt: number): number {
  const base = (kind === "throttled" ? THROTTLED_BASE_DELAY_MS : OTHER_BASE_DELAY_MS) * 2 ** (attempt - 1);
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** Waits `ms`; resolves false at once when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthorizationError",
]);
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "SlowDown",
]);
const NOT_FOUND = new Set(["NoSuchEntity", "ParameterNotFound", "NoSuchBucket", "NotFound", "NoSuchKey"]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);

export function classifyAwsError(action: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const record = (error ?? {}) as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
  const name = typeof record.name === "string" ? record.name : undefined;
  const code = typeof record.Code === "string" ? record.Code : name;
  const errno = typeof record.code === "string" ? record.code : undefined;
  const status = record.$metadata?.httpStatusCode;
  const message = error instanceof Error ? error.message : String(error);
  const make = (kind: AwsFailureKind, text: string) => new AwsCallError(action, kind, code, text, status, { cause: error });

  // The SDK's HTTP handler names a reset connection "TimeoutError" too, so the socket's
  // error code decides first.
  if (errno && NETWORK.has(errno)) return make("network", `${action} could not reach the endpoint: ${message} (${errno})`);
  if (name === "AbortError" || name === "TimeoutError" || errno === "ETIMEDOUT") return make("timeout", `${action} was aborted: ${message}`);
  if (code && ACCESS_DENIED.has(code)) return make("access-denied", message);
  if (code && THROTTLED.has(code)) return make("throttled", message);
  if (code === "ExpiredToken" || code === "ExpiredTokenException" || code === "RequestExpired") return make("expired-token", message);
  if (code === "InvalidClientTokenId" || code === "UnrecognizedClientException") return make("invalid-token", message);
  if (code === "SignatureDoesNotMatch" || code === "IncompleteSignature" || code === "InvalidSignatureException") return make("signature", message);
  if (code && NOT_FOUND.has(code)) return make("not-found", message);
  if (/socket hang up|ECONNRESET|ECONNREFUSED/.test(message)) {
    return make("network", `${action} could not reach the endpoint: ${message}`);
  }
  if (status === 403) {
    // Some services return a denial in a format the SDK cannot parse (moto's SSM sends XML);
    // the HTTP status still shows what happened.
    return make("access-denied", `${action} was denied (HTTP 403): ${message}`);
  }
  if (status === 429) return make("throttled", message);
  // A 5xx page from a proxy or an unimplemented API cannot be parsed either, so the status is the better reason.
  if (status !== undefined && status >= 500) {
    const unparsable = name === "SyntaxError" || /Deserialization error|parse error|Unexpected token|not valid JSON/i.test(message);
    const text = unparsable
      ? `${action} failed with HTTP ${status} and a body that is no AWS response (an endpoint that does not implement this action, or a proxy error page)`
      : `${action} failed with HTTP ${status}: ${message}`;
    return make("server", text);
  }
  if (name === "SyntaxError" || /Deserialization error|Unexpected token|not valid JSON|char '/i.test(message)) {
    return make("malformed-response", `${action} returned a response that could not be parsed${status ? ` (HTTP ${status})` : ""}: ${message}`);
  }
  return make("other", message);
}
