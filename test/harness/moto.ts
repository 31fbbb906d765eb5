// Starts and controls a local moto_server (the moto AWS emulator, tested with 5.2.1) for tests.
// Everything listens on and talks to 127.0.0.1 only.

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export const MOTO_INSTALL_COMMAND = 'pip install "moto[server]"';

/** moto's account when neither `MOTO_ACCOUNT_ID` nor the `x-moto-account-id` header is set. */
export const MOTO_DEFAULT_ACCOUNT_ID = "123456789012";

export interface MotoOptions {
  /**
   * Sets `MOTO_ACCOUNT_ID` for the server. moto 5.2.1 then uses this account for every request and
   * ignores the `x-moto-account-id` header, so leave it unset when a test needs several accounts.
   */
  accountId?: string;
  /** Extra variables for moto_server, for example `MOTO_IAM_LOAD_MANAGED_POLICIES: "true"`. */
  env?: Record<string, string>;
  /** How long to wait for the server to respond. Default 30000 ms. */
  startTimeoutMs?: number;
}

/** One request from moto's recorder, decoded. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Query string parameters. */
  query: Record<string, string>;
  /** `Host` header as the client sent it. */
  host: string;
  /** Signing name from the SigV4 credential scope, such as `cloudformation` or `sts`. */
  service?: string;
  /** Region from the SigV4 credential scope. */
  region?: string;
  /** Operation name, from an `Action=` form or query parameter, `X-Amz-Target` or an RPC v2 path. */
  action?: string;
  /** Access key ID from the SigV4 credential scope. */
  accessKeyId?: string;
  /** Request body decoded as UTF-8. */
  body: string;
  /** Request headers with lowercase names. */
  headers: Record<string, string>;
}

export interface MotoServer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  pid: number;
  /** Account that requests without `x-moto-account-id` and without a known access key fall into. */
  accountId: string;
  /** Kills the server and deletes its working directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** Turns on SigV4 verification and IAM policy checks for every following request. */
  enableAuth(): Promise<void>;
  /** Turns SigV4 verification and IAM policy checks off again. */
  disableAuth(): Promise<void>;
  /** Deletes all emulated resources. The auth setting and the recording stay as they are. */
  reset(): Promise<void>;
  /** Clears the request log and starts recording. */
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  /**
   * Returns the requests recorded since `startRecording`, oldest first, without the requests to
   * moto's own `/moto-api/` endpoints.
   */
  recording(): Promise<RecordedRequest[]>;
  /** Returns the last lines that moto_server printed, for diagnostics. */
  output(): string;
}

const OUTPUT_LINES_KEPT = 60;
const PORT_ATTEMPTS = 3;

interface RunningServer {
  child: ChildProcess;
  workDirectory: string;
}

const runningServers = new Set<RunningServer>();
let cleanupInstalled = false;

/** Returns true when a `moto_server` executable is on PATH. */
export function motoAvailable(): boolean {
  return findOnPath("moto_server") !== undefined;
}

function findOnPath(command: string): string | undefined {
  for (const directory of (process.env["PATH"] ?? "").split(delimiter)) {
    if (directory === "") {
      continue;
    }
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** Kills every server still running, synchronously, so it also works inside an `exit` handler. */
function killAllServers(): void {
  for (const server of runningServers) {
    killServer(server);
  }
}

function killServer(server: RunningServer): void {
  runningServers.delete(server);
  if (server.child.exitCode === null && server.child.signalCode === null) {
    // moto keeps all state in memory, so there is nothing to flush and SIGKILL is safe and fast.
    server.child.kill("SIGKILL");
  }
  rmSync(server.workDirectory, { recursive: true, force: true });
}

/**
 * Installs one `exit` handler and handlers for SIGINT, SIGTERM and SIGHUP that kill all servers.
 * A signal handler re-sends the signal after cleanup when nothing else handles it, so the process
 * still ends the way the signal intends.
 */
function installCleanup(): void {
  if (cleanupInstalled) {
    return;
  }
  cleanupInstalled = true;
  process.on("exit", killAllServers);

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAllServers();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** Asks the OS for a free TCP port on 127.0.0.1. Another process may still take it before moto. */
async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a probe socket on 127.0.0.1"));
        return;
      }
      const port = address.port;
      server.close(() => resolve(port));
    });
  });
}

interface HttpResult {
  status: number;
  body: string;
}

/** Sends one request to a loopback URL and returns its status and body. */
async function sendHttp(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return await new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`request to ${url} timed out`)));
    request.on("error", reject);
    request.end(options.body);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the last lines of a stream and drains it, because moto logs every request to stderr. */
function collectOutput(child: ChildProcess, lines: string[]): void {
  let partial = "";
  const onData = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    if (lines.length > OUTPUT_LINES_KEPT) {
      lines.splice(0, lines.length - OUTPUT_LINES_KEPT);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
}

function buildMotoEnvironment(options: MotoOptions, recordingFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // Inherited AWS and moto settings would change how the emulator behaves between machines.
    if (name.startsWith("AWS_") || name.startsWith("MOTO_") || name === "TEST_SERVER_MODE") {
      continue;
    }
    env[name] = value;
  }
  // moto writes the recorder log to this file, by default `moto_recording` in its working directory.
  env["MOTO_RECORDER_FILEPATH"] = recordingFile;
  if (options.accountId !== undefined) {
    env["MOTO_ACCOUNT_ID"] = options.accountId;
  }
  Object.assign(env, options.env ?? {});
  return env;
}

type StartAttempt = { kind: "started" } | { kind: "port-in-use" };

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  lines: string[],
  timeoutMs: number,
): Promise<StartAttempt> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const output = lines.join("\n");
      if (/address already in use/i.test(output)) {
        return { kind: "port-in-use" };
      }
      throw new Error(
        `moto_server exited with ${child.exitCode ?? child.signalCode} before it responded on ${url}. Its output:\n${output}`,
      );
    }
    try {
      await sendHttp(`${url}/moto-api/`, { timeoutMs: 2_000 });
      return { kind: "started" };
    } catch {
      await delay(100);
    }
  }
  throw new Error(
    `moto_server did not respond on ${url} within ${timeoutMs} ms. Its output:\n${lines.join("\n")}`,
  );
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` on a free port and resolves once it responds to HTTP.
 *
 * The server shares the caller's process group, so killing the test's group kills it too, and it
 * is killed when the process exits or gets SIGINT, SIGTERM or SIGHUP. It does not keep the event
 * loop alive. Throws when moto_server is not on PATH.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  if (!motoAvailable()) {
    throw new Error(
      [
        "",
        "=".repeat(72),
        "moto_server NOT FOUND on PATH: these tests need the moto AWS emulator.",
        `Install it with:  ${MOTO_INSTALL_COMMAND}`,
        "(tested with moto 5.2.1), then make sure `moto_server` is on PATH.",
        "=".repeat(72),
      ].join("\n"),
    );
  }
  installCleanup();

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const workDirectory = mkdtempSync(join(tmpdir(), "sst-preflight-moto-"));
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
      cwd: workDirectory,
      env: buildMotoEnvironment(options, join(workDirectory, "recording.jsonl")),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server: RunningServer = { child, workDirectory };
    runningServers.add(server);

    const lines: string[] = [];
    collectOutput(child, lines);
    const spawnError = new Promise<never>((_, reject) => {
      child.once("error", (error) => reject(new Error(`could not start moto_server: ${error.message}`)));
    });
    spawnError.catch(() => {});

    let result: StartAttempt;
    try {
      result = await Promise.race([waitUntilReady(child, url, lines, timeoutMs), spawnError]);
    } catch (error) {
      killServer(server);
      throw error;
    }
    if (result.kind === "port-in-use") {
      killServer(server);
      continue;
    }

    // Let a test process end even when it never calls stop(): the exit handler kills the server.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      (stream as { unref?: () => void } | null)?.unref?.();
    }
    return createHandle(server, url, port, lines, options);
  }
  throw new Error(`moto_server could not bind a free port on 127.0.0.1 after ${PORT_ATTEMPTS} attempts`);
}

function createHandle(
  server: RunningServer,
  url: string,
  port: number,
  lines: string[],
  options: MotoOptions,
): MotoServer {
  const { child } = server;

  const post = async (path: string, body = "", contentType = "text/plain"): Promise<string> => {
    const result = await sendHttp(`${url}${path}`, {
      method: "POST",
      body,
      headers: { "Content-Type": contentType },
    });
    if (result.status !== 200) {
      throw new Error(`POST ${path} to moto_server failed with HTTP ${result.status}: ${result.body}`);
    }
    return result.body;
  };

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      killServer(server);
      return;
    }
    // The child is unreferenced, so without ref() the process could end while waiting here.
    child.ref();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killServer(server);
    await exited;
  };

  return {
    url,
    port,
    pid: child.pid ?? -1,
    accountId: options.accountId ?? options.env?.["MOTO_ACCOUNT_ID"] ?? MOTO_DEFAULT_ACCOUNT_ID,
    stop,
    // moto reads the body as the number of requests still allowed without auth: 0 enforces auth
    // from the next request on and `inf` turns it off. A form-encoded body makes moto fail.
    enableAuth: async () => {
      await post("/moto-api/reset-auth", "0");
    },
    disableAuth: async () => {
      await post("/moto-api/reset-auth", "inf");
    },
    reset: async () => {
      await post("/moto-api/reset");
    },
    startRecording: async () => {
      await post("/moto-api/recorder/reset-recording");
      await post("/moto-api/recorder/start-recording");
    },
    stopRecording: async () => {
      await post("/moto-api/recorder/stop-recording");
    },
    recording: async () => {
      const result = await sendHttp(`${url}/moto-api/recorder/download-recording`);
      if (result.status !== 200) {
        throw new Error(`downloading the moto recording failed with HTTP ${result.status}: ${result.body}`);
      }
      return decodeRecording(result.body).filter((entry) => !entry.path.startsWith("/moto-api/"));
    },
    output: () => lines.join("\n"),
  };
}

interface RawRecorderEntry {
  headers?: Record<string, string>;
  method?: string;
  url?: string;
  body?: string | null;
  body_encoded?: boolean;
}

/**
 * Decodes moto's recorder log: one JSON object per line with `headers`, `method`, `url`, `body`
 * and `body_encoded` (true when `body` is base64), as moto 5.2.1 writes it.
 */
export function decodeRecording(text: string): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      continue;
    }
    const raw = JSON.parse(line) as RawRecorderEntry;
    requests.push(decodeEntry(raw));
  }
  return requests;
}

function decodeEntry(raw: RawRecorderEntry): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }

  const rawBody = raw.body ?? "";
  const body = raw.body_encoded === true ? Buffer.from(rawBody, "base64").toString("utf8") : rawBody;

  const url = new URL(raw.url ?? "/", "http://127.0.0.1");
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
  }

  const request: RecordedRequest = {
    method: raw.method ?? "",
    path: url.pathname,
    query,
    host: headers["host"] ?? url.host,
    body,
    headers,
  };

  const credential = parseCredentialScope(headers["authorization"] ?? query["X-Amz-Credential"] ?? "");
  if (credential !== undefined) {
    request.accessKeyId = credential.accessKeyId;
    request.region = credential.region;
    request.service = credential.service;
  }

  const action = findAction(request);
  if (action !== undefined) {
    request.action = action;
  }
  return request;
}

/** Reads `AKID/DATE/REGION/SERVICE/aws4_request` from a SigV4 `Authorization` or query value. */
function parseCredentialScope(
  value: string,
): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /(?:Credential=)?([^/\s,=]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(value);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) {
    return undefined;
  }
  return { accessKeyId: match[1], region: match[2], service: match[3] };
}

/** Finds the operation name for the Query, JSON and Smithy RPC v2 protocols. */
function findAction(request: RecordedRequest): string | undefined {
  const contentType = request.headers["content-type"] ?? "";
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const fromForm = new URLSearchParams(request.body).get("Action");
    if (fromForm !== null) {
      return fromForm;
    }
  }
  if (request.query["Action"] !== undefined) {
    return request.query["Action"];
  }

  // JSON protocols send `X-Amz-Target: AmazonSSM.GetParameter` or `DynamoDB_20120810.GetItem`.
  const target = request.headers["x-amz-target"];
  if (target !== undefined) {
    return target.slice(target.lastIndexOf(".") + 1);
  }

  const rpcV2 = /^\/service\/[^/]+\/operation\/([^/]+)$/.exec(request.path);
  return rpcV2?.[1];
}
