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

/**
 * Runs `send` with an abort signal that fires after `timeoutMs` or when `signal` aborts,
 * and rejects with an AwsCallError. `action` names the IAM action for messages. Usage:
 * `callAws("sts:GetCallerIdentity", (abortSignal) => sts.send(command, { abortSignal }), options)`.
 */
export async function callAws<Output>(
  action: string,
  send: (abortSignal: AbortSignal) => Promise<Output>,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<Output> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const abortSignal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    return await send(abortSignal);
  } catch (error) {
    if (timeout.aborted) {
      throw new AwsCallError(action, "timeout", undefined, `${action} timed out after ${options.timeoutMs / 1000} s`, undefined, { cause: error });
    }
    throw classifyAwsError(action, error);
  }
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
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

export function classifyAwsError(action: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const record = (error ?? {}) as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
  const name = typeof record.name === "string" ? record.name : undefined;
  const code = typeof record.Code === "string" ? record.Code : name;
  const errno = typeof record.code === "string" ? record.code : undefined;
  const status = record.$metadata?.httpStatusCode;
  const message = error instanceof Error ? error.message : String(error);
  const make = (kind: AwsFailureKind, text: string) => new AwsCallError(action, kind, code, text, status, { cause: error });

  if (name === "AbortError" || name === "TimeoutError") return make("timeout", `${action} was aborted: ${message}`);
  if (code && ACCESS_DENIED.has(code)) return make("access-denied", message);
  if (code && THROTTLED.has(code)) return make("throttled", message);
  if (code === "ExpiredToken" || code === "ExpiredTokenException" || code === "RequestExpired") return make("expired-token", message);
  if (code === "InvalidClientTokenId" || code === "UnrecognizedClientException") return make("invalid-token", message);
  if (code === "SignatureDoesNotMatch" || code === "IncompleteSignature" || code === "InvalidSignatureException") return make("signature", message);
  if (code && NOT_FOUND.has(code)) return make("not-found", message);
  if ((errno && NETWORK.has(errno)) || /socket hang up|ECONNRESET|ECONNREFUSED/.test(message)) {
    return make("network", `${action} could not reach the endpoint: ${message}`);
  }
  if (status === 403) {
    // Some services return a denial in a format the SDK cannot parse (moto's SSM sends XML);
    // the HTTP status still says what happened.
    return make("access-denied", `${action} was denied (HTTP 403): ${message}`);
  }
  if (status === 429) return make("throttled", message);
  if (name === "SyntaxError" || /Deserialization error|Unexpected token|not valid JSON|char '/i.test(message)) {
    return make("malformed-response", `${action} returned a response that could not be parsed${status ? ` (HTTP ${status})` : ""}: ${message}`);
  }
  if (status !== undefined && status >= 500) return make("server", `${action} failed with HTTP ${status}: ${message}`);
  return make("other", message);
}
