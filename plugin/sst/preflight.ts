// SST v2 integration: `config: preflight((input) => ({ ... }), options)` in
// sst.config.ts. SST awaits config() before it calls AWS, so the checks run first;
// a failed check ends the process before SST reaches CloudFormation.
import { DEFAULT_COMMANDS, type PreflightConfig } from "../config/schema.js";
import { isPreflightError } from "../errors.js";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { runSession, skipRequested } from "../runner/session.js";
import { defaultHooks } from "../../hooks/index.js";
import type { FailOn } from "../runner/run-hooks.js";

/** Options of preflight(): the configuration, plus how this integration reports. */
export type PreflightOptions = PreflightConfig & {
  /** Stop the deploy on "fail" (default), "unknown" or "warn". */
  failOn?: FailOn;
};

/** The argv SST v2 passes to config(): `_` contains the command, such as ["deploy"]. */
interface SstInput {
  _?: unknown;
  stage?: unknown;
  profile?: unknown;
  region?: unknown;
}

const RUN_KEY = Symbol.for("sst-preflight.sst-run");
/**
 * Set by the CLI while it evaluates sst.config.ts itself: preflight() then only records
 * its options and the app config, and runs no check.
 */
export const CAPTURE_KEY = Symbol.for("sst-preflight.capture");

export interface CapturedOptions {
  options?: PreflightOptions;
  app?: unknown;
}

/**
 * Wraps an SST v2 app's config() so the checks run before SST deploys. Returns a
 * config() that resolves to the app's config with the changes the checks made,
 * such as `cdk.cloudFormationExecutionRole`.
 */
export function preflight<Input, Output>(
  appConfig: (input: Input) => Output | Promise<Output>,
  options?: PreflightOptions,
): (input: Input) => Promise<Output> {
  return async (input: Input) => {
    const app = await appConfig(input);
    const capture = (globalThis as unknown as Record<symbol, CapturedOptions | undefined>)[CAPTURE_KEY];
    if (capture) {
      capture.options = options ?? {};
      capture.app = app;
      return app;
    }
    const argv = (input ?? {}) as SstInput;
    const command = Array.isArray(argv._) && typeof argv._[0] === "string" ? argv._[0] : undefined;
    const { failOn, ...config } = options ?? {};
    // The file is loaded once here: its `commands` decide whether to check, and the run reuses it.
    const file = await loadFileConfig();
    const commands = config.commands ?? (file.loaded?.config.commands) ?? DEFAULT_COMMANDS;
    if (!command || !commands.includes(command)) return printConfig(app);
    if (skipRequested(process.env)) {
      process.stderr.write("sst-preflight: checks skipped because PREFLIGHT_SKIP=1\n");
      return printConfig(app);
    }

    // SST may call config() more than once in one process; check once.
    const store = globalThis as unknown as Record<symbol, Promise<Record<string, unknown>> | undefined>;
    store[RUN_KEY] ??= check(command, argv, app as Record<string, unknown>, config, failOn, file);
    const changes = await store[RUN_KEY];
    return printConfig(applyChanges(app, changes));
  };
}

interface FileConfig {
  loaded?: LoadedConfig;
  /** The error of an invalid file, reported when the command is one that runs the checks. */
  error?: unknown;
}

/** Loads preflight.config.* or the package.json key, keeping an error for later. */
async function loadFileConfig(): Promise<FileConfig> {
  try {
    return { loaded: await loadConfig(process.cwd()) };
  } catch (error) {
    return { error };
  }
}

/**
 * Debug switch: with PREFLIGHT_PRINT_CONFIG=1, writes the config returned to SST on
 * stderr as one JSON line prefixed "sst-preflight config: ", to show what SST receives.
 */
function printConfig<T>(config: T): T {
  if (process.env.PREFLIGHT_PRINT_CONFIG !== "1") return config;
  let text: string;
  try {
    text = JSON.stringify(config);
  } catch (error) {
    text = JSON.stringify({ error: `the config could not be written as JSON: ${(error as Error).message}` });
  }
  process.stderr.write(`sst-preflight config: ${text}\n`);
  return config;
}

async function check(
  command: string,
  argv: SstInput,
  app: Record<string, unknown>,
  config: PreflightConfig,
  failOn: FailOn | undefined,
  file: FileConfig,
): Promise<Record<string, unknown>> {
  const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  try {
    if (file.error) throw file.error;
    const stage = text(argv.stage);
    const profile = text(argv.profile);
    const region = text(argv.region);
    const result = await runSession({
      cwd: process.cwd(),
      env: process.env,
      command,
      toolArgs: process.argv.slice(3),
      flags: {
        tool: "sst-v2",
        ...(stage ? { stage } : {}),
        ...(profile ? { profile } : {}),
        ...(region ? { region } : {}),
        ...(failOn ? { failOn } : {}),
      },
      inlineConfig: config,
      appConfig: app,
      ...(file.loaded ? { loadedConfig: file.loaded } : {}),
      hooks: defaultHooks(),
    });
    if (result.blocked) stop(`sst-preflight stopped \`sst ${command}\` before it deployed anything.`, 1);
    // SST resolves credentials after config() returns. Session keys from an MFA prompt go
    // into its environment, so it uses them (it drops its profile when both keys are set)
    // instead of asking for a code again. Only the environment carries them.
    if (result.context.childEnv) Object.assign(process.env, result.context.childEnv);
    return result.context.changes.sstConfig;
  } catch (error) {
    if (isPreflightError(error)) {
      const hints = error.hints.map((hint) => `\n  → ${hint}`).join("");
      stop(`sst-preflight: ${error.message}${hints}`, error.exitCode);
    }
    throw error;
  }
}

/**
 * Ends the process. A thrown error would make SST print a stack trace and, with
 * telemetry on and no network, could even exit 0; exiting here is the only way to
 * stop SST cleanly with our exit code.
 */
function stop(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Merges the checks' changes into the app config, one level deep for objects such as `cdk`. */
function applyChanges<T>(app: T, changes: Record<string, unknown>): T {
  if (Object.keys(changes).length === 0) return app;
  const result = { ...(app as Record<string, unknown>) };
  for (const [key, value] of Object.entries(changes)) {
    const current = result[key];
    result[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object"
        ? { ...(current as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value;
  }
  return result as T;
}
