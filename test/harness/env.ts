// Isolated process environments for tests: a temporary HOME with its own AWS config files, no
// inherited AWS, SST, CDK or CI settings, and every AWS endpoint pointed at a loopback emulator.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type EnvVars = Record<string, string | undefined>;

export interface IsolatedEnvOptions {
  /** Base URL of the local emulator, for example `http://127.0.0.1:5000`. Must be loopback. */
  endpoint: string;
  /** INI texts for `~/.aws/config` and `~/.aws/credentials`. A file is written only when given. */
  files?: { config?: string; credentials?: string };
  /** Variables set after the defaults. `undefined` deletes a variable. */
  vars?: EnvVars;
}

export interface IsolatedEnv {
  env: Record<string, string>;
  /** Temporary directory used as `HOME`. */
  home: string;
  configFile: string;
  credentialsFile: string;
  /** Deletes the temporary HOME. Safe to call more than once. */
  cleanup(): void;
}

/** Variables copied from the parent environment. Everything else is dropped. */
const INHERITED_VARIABLES = [
  "PATH",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "SYSTEMROOT",
  "NODE_PATH",
  "NODE_EXTRA_CA_CERTS",
];

/** Prefixes and names that are removed even when a later step would copy them. */
const REMOVED_PREFIXES = ["AWS_", "SST_", "CDK_", "GITHUB_"];
const REMOVED_NAMES = ["CI"];

/**
 * Switches SDKs and the AWS CLI back to the real AWS endpoints even when `AWS_ENDPOINT_URL` is set,
 * so a test environment must never contain it.
 */
const FORBIDDEN_VARIABLE = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

/**
 * Throws unless `url` is an http(s) URL whose host is in 127.0.0.0/8, `localhost` or `[::1]`.
 * `label` names the value in the error message.
 */
export function assertLoopbackUrl(url: string, label = "endpoint"): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${label} is not a valid URL: ${JSON.stringify(url)}`);
  }

  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`${label} must use http or https, got ${JSON.stringify(url)}`);
  }

  // The URL parser normalizes IPv4 forms such as `127.1` or `0x7f.0.0.1` to dotted decimal, so
  // checking the normalized hostname also rejects tricks that hide another address.
  const host = parsed.hostname;
  const isLoopbackV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!isLoopbackV4 && host !== "localhost" && host !== "[::1]") {
    throw new Error(
      `${label} must point at a loopback host (127.0.0.0/8, localhost or [::1]), got ${JSON.stringify(url)}`,
    );
  }
}

/** Temporary HOMEs not yet cleaned up. They are deleted when the process exits. */
const pendingHomes = new Set<string>();
let exitHandlerInstalled = false;

/** Makes sure a test that throws before its own cleanup leaves no temporary HOME behind. */
function registerHomeForExit(home: string): void {
  pendingHomes.add(home);
  if (exitHandlerInstalled) {
    return;
  }
  exitHandlerInstalled = true;
  process.on("exit", () => {
    for (const pending of pendingHomes) {
      rmSync(pending, { recursive: true, force: true });
    }
  });
}

/** Returns true for the variables that `makeIsolatedEnv` never inherits. */
function isRemovedVariable(name: string): boolean {
  return REMOVED_NAMES.includes(name) || REMOVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Throws when an INI text sets an `endpoint_url` that is not loopback. */
function assertLoopbackEndpointsInIni(text: string, fileLabel: string): void {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*endpoint_url\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) {
      assertLoopbackUrl(match[1], `endpoint_url in the ${fileLabel} file`);
    }
  }
}

/** Throws when `vars` would aim an endpoint away from loopback or set the forbidden variable. */
function validateVars(vars: EnvVars): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) {
      continue;
    }
    if (name === FORBIDDEN_VARIABLE) {
      throw new Error(
        `${FORBIDDEN_VARIABLE} must not be set in tests: it sends AWS calls to the real AWS endpoints`,
      );
    }
    if (name.startsWith("AWS_ENDPOINT_URL")) {
      assertLoopbackUrl(value, name);
    }
  }
}

/**
 * Creates a temporary HOME with `.aws/` and returns an environment for running AWS tooling against
 * a loopback emulator.
 *
 * The environment keeps only a few neutral variables of the parent (PATH, locale, temporary
 * directory, NODE_PATH) and drops every `AWS_*`, `SST_*`, `CDK_*`, `GITHUB_*` and `CI`. It sets
 * the emulator endpoint and disables the instance metadata lookup, telemetry, colors and npm
 * network use. `vars` is applied last.
 * Throws when the endpoint, an `endpoint_url` in the files or an `AWS_ENDPOINT_URL*` in `vars` is
 * not loopback, or when `vars` sets `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
 */
export function makeIsolatedEnv(options: IsolatedEnvOptions): IsolatedEnv {
  assertLoopbackUrl(options.endpoint);
  const vars = options.vars ?? {};
  validateVars(vars);
  if (options.files?.config !== undefined) {
    assertLoopbackEndpointsInIni(options.files.config, "config");
  }
  if (options.files?.credentials !== undefined) {
    assertLoopbackEndpointsInIni(options.files.credentials, "credentials");
  }

  const home = mkdtempSync(join(tmpdir(), "sst-preflight-home-"));
  const awsDirectory = join(home, ".aws");
  mkdirSync(awsDirectory);
  const configFile = join(awsDirectory, "config");
  const credentialsFile = join(awsDirectory, "credentials");
  if (options.files?.config !== undefined) {
    writeFileSync(configFile, options.files.config);
  }
  if (options.files?.credentials !== undefined) {
    writeFileSync(credentialsFile, options.files.credentials, { mode: 0o600 });
  }

  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined && !isRemovedVariable(name)) {
      env[name] = value;
    }
  }

  Object.assign(env, {
    HOME: home,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: options.endpoint,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    SST_TELEMETRY_DISABLED: "1",
    CDK_DISABLE_CLI_TELEMETRY: "true",
    NO_COLOR: "1",
    // `npx` inside SST or CDK must not reach the npm registry: offline mode fails fast instead, and
    // the update and funding checks are network calls too.
    npm_config_offline: "true",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  });

  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }

  const cleanup = (): void => {
    pendingHomes.delete(home);
    rmSync(home, { recursive: true, force: true });
  };
  registerHomeForExit(home);

  return { env, home, configFile, credentialsFile, cleanup };
}

/**
 * Replaces the contents of `process.env` with `env` for in-process tests and returns a function
 * that restores the previous contents.
 * Throws when `env` sets `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
 * The `process.env` object itself stays the same, so modules that keep a reference to it see the
 * change.
 */
export function applyEnv(env: Record<string, string | undefined>): () => void {
  if (env[FORBIDDEN_VARIABLE] !== undefined) {
    throw new Error(`${FORBIDDEN_VARIABLE} must not be set in tests: it sends AWS calls to real AWS`);
  }
  const saved = { ...process.env };

  const replace = (next: Record<string, string | undefined>): void => {
    for (const name of Object.keys(process.env)) {
      if (!(name in next) || next[name] === undefined) {
        delete process.env[name];
      }
    }
    for (const [name, value] of Object.entries(next)) {
      if (value !== undefined) {
        process.env[name] = value;
      }
    }
  };

  replace(env);
  return () => replace(saved);
}
