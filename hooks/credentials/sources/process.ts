// Runs a profile's credential_process with a timeout and validates its output as the
// SDK's fromProcess does (@aws-sdk/credential-provider-process 3.972: Version 1,
// AccessKeyId, SecretAccessKey, optional SessionToken, Expiration and AccountId),
// but names what is wrong instead of "returned invalid JSON". The SDK itself runs the
// command through a shell with no timeout. Output values are never echoed: a line
// that is not JSON is shown shortened, with anything that looks like a key masked.
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Finding } from "../findings.js";

export const DEFAULT_PROCESS_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ProcessResult {
  credentials?: AwsCredentialIdentity;
  problem?: Finding;
}

export interface ProcessOptions {
  profile: string;
  command: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  where?: { file?: string; line?: number };
  now?: number;
}

export async function runCredentialProcess(options: ProcessOptions): Promise<ProcessResult> {
  const { execa } = await import("execa");
  const { profile, command } = options;
  const fail = (message: string, fix: string): ProcessResult => ({
    problem: { code: "credential-process-failed", severity: "error", message: `credential_process of profile ${profile} (${command}) ${message}`, profile, ...options.where, fix },
  });

  // Its own process group, so a timeout also stops what the shell started: a child that
  // keeps stdout open would otherwise keep the result from settling.
  const child = execa(command, {
    shell: true,
    env: options.env,
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    detached: true,
    maxBuffer: MAX_OUTPUT_BYTES,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  const result = await child.finally(() => clearTimeout(timer));
  if (options.signal?.aborted) killGroup(child.pid);
  // A fail, not an unknown: the SDK runs the command without any time limit, so the deploy would hang.
  if (timedOut) {
    return fail(
      `did not finish within ${options.timeoutMs / 1000} s and was stopped (the SDK would wait for it without limit)`,
      "Run the command by hand to see whether it waits for input, or raise credentials.processTimeoutSeconds if it is just slow.",
    );
  }
  if (result.isMaxBuffer) {
    return fail(`printed more than ${MAX_OUTPUT_BYTES / 1024} KiB, so sst-preflight stopped reading it`, "Make the command print only the JSON document on stdout.");
  }
  if (result.isCanceled) return fail("was stopped because the run was interrupted", "Run again.");
  if (result.failed && result.exitCode === undefined) return fail(`could not be started: ${result.shortMessage}`, "Check the command and that its program is on PATH.");
  if (result.exitCode !== 0) {
    const first = firstLine(String(result.stderr));
    return fail(`exited with code ${result.exitCode}${first ? `; its first error line: ${redact(first)}` : ""}`, "Run the command by hand to see why it fails.");
  }

  const stdout = String(result.stdout).trim();
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    return fail(describeBadJson(stdout), "Make the command print only the JSON document on stdout; send notices and warnings to stderr.");
  }
  return validate(data, options, fail);
}

function validate(data: unknown, options: ProcessOptions, fail: (message: string, fix: string) => ProcessResult): ProcessResult {
  if (!data || typeof data !== "object" || Array.isArray(data)) return fail("printed JSON that is not an object", "Print an object with Version, AccessKeyId and SecretAccessKey.");
  const record = data as Record<string, unknown>;
  if (record.Version !== 1) return fail(`printed Version ${JSON.stringify(record.Version ?? null)}; the SDKs accept only Version 1`, 'Print "Version": 1.');
  const missing = ["AccessKeyId", "SecretAccessKey"].filter((key) => typeof record[key] !== "string" || record[key] === "");
  if (missing.length) return fail(`printed no ${missing.join(" or ")}`, "Print AccessKeyId and SecretAccessKey as strings.");
  let expiration: Date | undefined;
  if (record.Expiration !== undefined) {
    expiration = typeof record.Expiration === "string" ? new Date(record.Expiration) : new Date(Number.NaN);
    if (Number.isNaN(expiration.getTime())) return fail("printed an Expiration that is not an ISO-8601 time", 'Print Expiration like "2030-01-01T00:00:00Z".');
    if (expiration.getTime() <= (options.now ?? Date.now())) return fail(`printed credentials that expired at ${expiration.toISOString()}`, "Make the command fetch a new session.");
  }
  return {
    credentials: {
      accessKeyId: record.AccessKeyId as string,
      secretAccessKey: record.SecretAccessKey as string,
      ...(typeof record.SessionToken === "string" ? { sessionToken: record.SessionToken } : {}),
      ...(expiration ? { expiration } : {}),
      ...(typeof record.AccountId === "string" ? { accountId: record.AccountId } : {}),
    },
  };
}

/** Says where the JSON document went wrong, such as a notice line printed before it. */
function describeBadJson(stdout: string): string {
  if (stdout === "") return "printed nothing on stdout";
  const lines = stdout.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trimStart().startsWith("{"));
  if (start > 0) {
    try {
      JSON.parse(lines.slice(start).join("\n"));
      return `printed ${start} line${start === 1 ? "" : "s"} before the JSON document (line 1: ${redact(lines[0] ?? "")}); stdout must hold only the JSON`;
    } catch {
      // Fall through to the general message.
    }
  }
  return `printed stdout that is not one JSON document (line 1: ${redact(lines[0] ?? "")})`;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group has already exited.
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? "";
}

/** Shortens a line and masks anything long enough to be a key, token or secret. */
export function redact(text: string): string {
  const masked = text.replace(/[A-Za-z0-9/+=_-]{16,}/g, (match) => `${match.slice(0, 4)}…(${match.length} chars)`);
  return JSON.stringify(masked.length > 80 ? `${masked.slice(0, 80)}…` : masked);
}
