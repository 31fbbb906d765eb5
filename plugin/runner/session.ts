// One preflight run, shared by the CLI and the SST v2 integration: load the
// configuration, resolve the context, run the hooks, report, and decide.
import type { AwsCallCache } from "../aws/call-cache.js";
import { AwsClients } from "../aws/clients.js";
import { loadSharedFiles } from "../aws/profiles.js";
import { loadConfig, mergeConfigs, type LoadedConfig } from "../config/load.js";
import type { PreflightConfig, StageConfig, ToolName } from "../config/schema.js";
import { validateConfig } from "../config/validate.js";
import { buildJsonReport, type JsonReport } from "../report/json.js";
import { createReporter } from "../report/reporter.js";
import { wantsColor } from "../report/color.js";
import { detectTool } from "../tools/detect.js";
import { resolveProfile, resolveRegion, resolveStage } from "../tools/settings.js";
import { RunBudget } from "./budget.js";
import { promptOnTerminal } from "./prompt.js";
import { overallStatus, runHooks, shouldBlock, type FailOn } from "./run-hooks.js";
import type { CheckResult, Hook, PreflightContext, ToolInfo } from "./types.js";

export interface SessionInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  command: string;
  toolArgs: string[];
  flags: {
    stage?: string;
    /** Label of where the stage flag came from; "--stage" when not set. */
    stageSource?: string;
    profile?: string;
    region?: string;
    tool?: ToolName;
    config?: string;
    json?: boolean;
    verbose?: boolean;
    quiet?: boolean;
    noColor?: boolean;
    offline?: boolean;
    failOn?: FailOn;
    fix?: boolean;
    yes?: boolean;
    roleArn?: string;
    checkOnly?: boolean;
  };
  /** The configuration file, when the caller loaded it already. */
  loadedConfig?: LoadedConfig;
  /** Inline options, as passed to preflight() in sst.config.ts. */
  inlineConfig?: unknown;
  /** The SST v2 app config returned by the user's config(). */
  appConfig?: Record<string, unknown>;
  /** Values the project files give, for tools that are not SST v2. */
  project?: { stage?: string; profile?: string; region?: string; origin: string };
  hooks: Hook[];
  /** Writer of the human report; stderr by default. */
  writeHuman?: (text: string) => void;
  /** Writer of the --json document; stdout by default. */
  writeJson?: (text: string) => void;
  /** Aborts the run, for example on SIGINT. */
  signal?: AbortSignal;
  stdinIsTTY?: boolean;
  /** Shares read-only AWS calls with the other sessions of one run, such as other stages. */
  callCache?: AwsCallCache;
}

export interface SessionResult {
  context: PreflightContext;
  results: CheckResult[];
  blocked: boolean;
  report: JsonReport;
}

const DEFAULT_BUDGET_SECONDS = 60;
const DEFAULT_CALL_TIMEOUT_SECONDS = 10;

export async function runSession(input: SessionInput): Promise<SessionResult> {
  const began = performance.now();
  const loaded = input.loadedConfig ?? (await loadConfig(input.cwd, input.flags.config));
  const inline = input.inlineConfig === undefined ? undefined : validateConfig(input.inlineConfig, "the options passed to preflight()");
  const config = mergeConfigs(loaded.config, inline);
  let configOrigin = loaded.origin;
  if (inline) configOrigin = loaded.origin === "defaults" ? "sst.config.ts" : `${loaded.origin} and sst.config.ts`;

  const tool = detectTool(input.cwd, input.flags.tool ?? config.tool);
  const files = await loadSharedFiles(input.env);
  const project = input.project ?? projectFromAppConfig(input.appConfig);
  const settingsInput = {
    tool: tool.name,
    cwd: input.cwd,
    env: input.env,
    flags: input.flags,
    project,
    files,
    ...(config.defaultStage ? { defaultStage: config.defaultStage } : {}),
  };
  const stage = resolveStage(settingsInput);
  const stageConfig = stageSettings(config, stage?.value);
  const profile = resolveProfile(settingsInput, stageConfig, stage?.value);
  const region = resolveRegion(settingsInput, profile, stageConfig);

  const budget = new RunBudget(config.timeoutSeconds ?? DEFAULT_BUDGET_SECONDS);
  const signal = input.signal ? AbortSignal.any([budget.signal, input.signal]) : budget.signal;
  const stdinIsTTY = input.stdinIsTTY ?? process.stdin.isTTY === true;
  const interactive = stdinIsTTY && !isCI(input.env);
  const writeHuman = input.writeHuman ?? ((text: string) => process.stderr.write(text));
  const awsCallTimeoutMs = (config.awsCallTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS) * 1000;
  const reporter = createReporter({
    write: writeHuman,
    color: wantsColor(process.stderr, input.env, input.flags.noColor),
    verbose: input.flags.verbose === true,
    quiet: input.flags.quiet === true,
    // Live lines only on a terminal this process writes to itself, and never in CI.
    live: input.writeHuman === undefined && process.stderr.isTTY === true && !isCI(input.env),
    env: input.env,
  });

  const context: PreflightContext = {
    tool,
    command: input.command,
    toolArgs: input.toolArgs,
    cwd: input.cwd,
    env: input.env,
    stage,
    region,
    profile,
    config,
    configOrigin,
    stageConfig,
    ...(input.appConfig ? { appConfig: input.appConfig } : {}),
    settingsInput,
    interactive,
    offline: input.flags.offline === true,
    flags: {
      fix: input.flags.fix === true,
      yes: input.flags.yes === true,
      ...(input.flags.roleArn ? { roleArn: input.flags.roleArn } : {}),
      ...(input.flags.checkOnly ? { checkOnly: true } : {}),
    },
    aws: new AwsClients({
      requestTimeoutMs: awsCallTimeoutMs,
      ...(region ? { defaultRegion: region.value } : {}),
      ...(profile ? { profile: profile.value } : {}),
      ...(input.callCache ? { callCache: input.callCache } : {}),
    }),
    changes: { args: [], sstConfig: {}, notes: [] },
    signal,
    awsCallTimeoutMs,
    log: makeLogger((text) => reporter.write(text), input.flags.verbose === true, input.env),
    prompt: async (question, options) => {
      // Time spent on a prompt does not count against the budget.
      const resume = budget.pause();
      try {
        const promptSignal = input.signal ? { signal: input.signal } : {};
        return await reporter.suspend(() => promptOnTerminal(question, { ...options, interactive, ...promptSignal }));
      } finally {
        resume();
      }
    },
    pauseBudget: () => budget.pause(),
    preload: () => {
      for (const hook of input.hooks) hook.prepare?.();
    },
  };

  reporter.header(context);

  let results: CheckResult[];
  const restoreWarning = silenceSdkNodeWarning();
  try {
    results = await runHooks(input.hooks, context, {
      onStart: (hook) => reporter.start(hook),
      onResult: (result) => reporter.result(result),
    });
  } finally {
    budget.dispose();
    restoreWarning();
    await context.aws.destroy();
  }

  const blocked = shouldBlock(results, input.flags.failOn);
  const durationMs = performance.now() - began;
  reporter.summary(results, durationMs, context.changes.notes, blocked);
  const report = buildJsonReport(context, results, { status: overallStatus(results), blocked }, durationMs);
  if (input.flags.json) (input.writeJson ?? ((text: string) => process.stdout.write(text)))(`${JSON.stringify(report, null, 2)}\n`);
  return { context, results, blocked, report };
}

/**
 * Turns off, for our own clients only, the AWS SDK's notice that its releases after
 * January 2027 need Node 22: printed before every deploy it would bury the report.
 * The variable is restored afterwards, so the wrapped tool gets the user's setting.
 */
function silenceSdkNodeWarning(): () => void {
  const name = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
  if (process.env[name] !== undefined) return () => {};
  process.env[name] = "true";
  return () => {
    delete process.env[name];
  };
}

/** Returns whether PREFLIGHT_SKIP asks to skip the checks for this run ("1" or "true"). */
export function skipRequested(env: NodeJS.ProcessEnv): boolean {
  return env.PREFLIGHT_SKIP === "1" || env.PREFLIGHT_SKIP === "true";
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

function projectFromAppConfig(appConfig: Record<string, unknown> | undefined): SessionInput["project"] & object {
  const text = (key: string) => (typeof appConfig?.[key] === "string" ? (appConfig[key] as string) : undefined);
  const stage = text("stage");
  const profile = text("profile");
  const region = text("region");
  return {
    origin: "sst.config.ts",
    ...(stage ? { stage } : {}),
    ...(profile ? { profile } : {}),
    ...(region ? { region } : {}),
  };
}

/** Merges the "*" stage entry with the named stage's entry. */
export function stageSettings(config: PreflightConfig, stage: string | undefined): StageConfig {
  const fallback = config.stages?.["*"] ?? {};
  // Own keys only: a stage named "toString" must not pick up Object.prototype.toString.
  const own = stage && config.stages && Object.hasOwn(config.stages, stage) ? config.stages[stage] : undefined;
  return { ...fallback, ...own };
}

function makeLogger(write: (text: string) => void, verbose: boolean, env: NodeJS.ProcessEnv): PreflightContext["log"] {
  const debug = verbose || Boolean(env.NODE_DEBUG?.split(",").includes("preflight"));
  return {
    debug: (message) => {
      if (debug) write(`  debug: ${message}\n`);
    },
    info: (message) => {
      if (verbose) write(`  ${message}\n`);
    },
    warn: (message) => write(`  warning: ${message}\n`),
  };
}

export type { ToolInfo };
