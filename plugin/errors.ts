// Errors that the CLI and the SST integration turn into a message and an exit code.
// A brand symbol lets `isPreflightError` recognise them across copies of this package.

const BRAND = Symbol.for("sst-preflight.error");

export type PreflightErrorCode =
  | "InvalidConfig"
  | "InvalidUsage"
  | "ToolNotFound"
  | "Interrupted"
  | "ChecksFailed"
  | "Internal";

export class PreflightError extends Error {
  readonly code: PreflightErrorCode;
  /** Lines of advice printed under the message. */
  readonly hints: string[];

  constructor(code: PreflightErrorCode, message: string, options: { cause?: unknown; hints?: string[] } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hints = options.hints ?? [];
    Object.defineProperty(this, BRAND, { value: true });
  }

  override get name(): string {
    return "PreflightError";
  }

  /** The process exit code that this error maps to. */
  get exitCode(): number {
    if (this.code === "Interrupted") return 130;
    if (this.code === "ChecksFailed") return 1;
    if (this.code === "Internal") return 1;
    return 2;
  }
}

export function isPreflightError(value: unknown): value is PreflightError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export function configError(message: string, hints: string[] = [], cause?: unknown): PreflightError {
  return new PreflightError("InvalidConfig", message, { hints, cause });
}

export function usageError(message: string, hints: string[] = []): PreflightError {
  return new PreflightError("InvalidUsage", message, { hints });
}

/** Returns a one-line description of any thrown value, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
