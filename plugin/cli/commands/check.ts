// `sst-preflight check`: run the checks for a command without running the tool.
import { defaultHooks } from "../../../hooks/index.js";
import { runSession, type SessionResult } from "../../runner/session.js";
import type { AwsCallCache } from "../../aws/call-cache.js";
import type { CliOptions } from "../args.js";
import { readSstV2Project } from "../../tools/sst-app-config.js";
import { checkStages, stagesToCheck } from "./check-stages.js";

export interface CheckInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  options: CliOptions;
  command: string;
  toolArgs: string[];
  project?: { stage?: string; profile?: string; region?: string; origin: string };
  /** The SST v2 app config, when the wrapper could evaluate config(). */
  appConfig?: Record<string, unknown>;
  signal?: AbortSignal;
  /** True for the check command, which runs no tool afterwards. */
  checkOnly?: boolean;
  /** Writer of the human report; stderr by default. */
  writeHuman?: (text: string) => void;
  /** Shares read-only AWS calls between the sessions of one run. */
  callCache?: AwsCallCache;
}

export async function runChecks(input: CheckInput): Promise<SessionResult> {
  const { options } = input;
  let { project, appConfig } = input;
  let inlineConfig: Record<string, unknown> | undefined;
  let failOn = options.failOn;
  if (!appConfig && input.checkOnly) {
    // In an SST v2 app the stage settings may sit in preflight() in sst.config.ts, so
    // `check` reads config() as SST would, and with it the inline options.
    const sst = await readSstV2Project(input.cwd, {
      command: input.command,
      ...(options.stage ? { stage: options.stage } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.region ? { region: options.region } : {}),
    });
    if (sst) {
      project = sst.project;
      appConfig = sst.appConfig;
      if (sst.inlineOptions) {
        const { failOn: inlineFailOn, ...rest } = sst.inlineOptions;
        inlineConfig = rest;
        if (!failOn && (inlineFailOn === "fail" || inlineFailOn === "unknown" || inlineFailOn === "warn")) failOn = inlineFailOn;
      }
    }
  }
  return runSession({
    cwd: input.cwd,
    env: input.env,
    command: input.command,
    toolArgs: input.toolArgs,
    flags: {
      ...(options.stage ? { stage: options.stage } : {}),
      ...(options.stageSource ? { stageSource: options.stageSource } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.tool ? { tool: options.tool } : {}),
      ...(options.config ? { config: options.config } : {}),
      ...(failOn ? { failOn } : {}),
      json: options.json === true,
      verbose: options.verbose === true,
      quiet: options.quiet === true,
      noColor: options.noColor === true,
      offline: options.offline === true,
      fix: options.fix === true,
      yes: options.yes === true,
      ...(options.roleArn ? { roleArn: options.roleArn } : {}),
      ...(input.checkOnly ? { checkOnly: true } : {}),
    },
    ...(project ? { project } : {}),
    ...(appConfig ? { appConfig } : {}),
    ...(inlineConfig ? { inlineConfig } : {}),
    hooks: defaultHooks(),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.writeHuman ? { writeHuman: input.writeHuman } : {}),
    ...(input.callCache ? { callCache: input.callCache } : {}),
  });
}

export async function checkCommand(input: Omit<CheckInput, "command" | "toolArgs">): Promise<number> {
  const checkInput: CheckInput = { ...input, command: input.options.command ?? "deploy", toolArgs: [], checkOnly: true };
  const stages = await stagesToCheck(input);
  const blocked = stages ? (await checkStages(checkInput, stages, runChecks)).blocked : (await runChecks(checkInput)).blocked;
  if (input.signal?.aborted) return 130;
  return blocked ? 1 : 0;
}
