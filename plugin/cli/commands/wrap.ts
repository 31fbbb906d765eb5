// Wrapper commands: `sst-preflight deploy ...` and `sst-preflight cdk ...` run the
// checks with the stage, profile and region read from the tool's own arguments,
// then run the project's tool with the arguments the checks added.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PreflightError, usageError } from "../../errors.js";
import { runTool } from "../../tools/spawn.js";
import { readToolOption, type CliOptions } from "../args.js";
import { runChecks, type CheckInput } from "./check.js";
import { skipRequested } from "../../runner/session.js";
import { isSstV2Config, readSstAppConfig, usesPreflightInSstConfig } from "../../tools/sst-app-config.js";

export interface WrapInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  options: CliOptions;
  /** `deploy`, `dev`, ... for SST, or `cdk`. */
  command: string;
  toolArgs: string[];
  signal?: AbortSignal;
  write(text: string): void;
}

export async function wrapCommand(input: WrapInput): Promise<number> {
  // Starts loading the process library now, so it is ready when the checks pass and
  // does not delay the tool's start. A load failure shows up where it is used.
  import("execa").catch(() => undefined);
  if (input.options.offline) {
    // Offline, the account and the other AWS checks cannot run, so nothing would guard the deploy.
    throw usageError("--offline cannot guard a deploy, because it skips every check that calls AWS", [
      "Use sst-preflight check --offline to explain the credential chain, then run the deploy without it.",
    ]);
  }
  const isCdk = input.command === "cdk";
  const toolCommand = isCdk ? firstPositional(input.toolArgs) ?? "" : input.command;
  const options = withToolFlags(input.options, input.toolArgs, isCdk);
  let project: CheckInput["project"] = isCdk ? readCdkJson(input.cwd) : readSstJson(input.cwd);
  let appConfig: Record<string, unknown> | undefined;

  let exitCode = 0;
  if (skipRequested(input.env)) {
    input.write("sst-preflight: checks skipped because PREFLIGHT_SKIP=1\n");
  } else if (!isCdk && usesPreflightInSstConfig(input.cwd)) {
    // The app's config() runs the checks inside SST with the inline options, which
    // this process cannot see; checking here too would run every check twice.
    if (input.options.verbose) input.write("sst-preflight: sst.config.ts calls preflight(); the checks run inside sst\n");
    // SST rejects flags it does not know, so --yes reaches the checks inside it this way.
    if (options.yes && options.stage) {
      return runTool("sst", [input.command, ...input.toolArgs], { cwd: input.cwd, env: input.env, extraEnv: { PREFLIGHT_CONFIRM_STAGE: options.stage } });
    }
  } else {
    if (!isCdk && isSstV2Config(input.cwd)) {
      const app = await readSstAppConfig(input.cwd, { command: input.command, ...pick(options) });
      if (app.settings) {
        appConfig = app.settings.config;
        project = { origin: "sst.config.ts", ...pick(app.settings) };
      } else if (input.options.verbose) {
        input.write(`sst-preflight: ${app.problem}; the stage, profile and region in config() are not known\n`);
      }
    }
    const result = await runChecks({
      cwd: input.cwd,
      env: input.env,
      options: { ...options, ...(isCdk ? { tool: options.tool ?? "cdk" } : {}) },
      command: toolCommand,
      toolArgs: input.toolArgs,
      ...(project ? { project } : {}),
      ...(appConfig ? { appConfig } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    if (input.signal?.aborted) return 130;
    if (result.blocked) {
      const tool = isCdk ? "cdk" : "sst";
      input.write(`sst-preflight stopped \`${tool} ${isCdk ? input.toolArgs.join(" ") : [input.command, ...input.toolArgs].join(" ")}\` before it ran.\n`);
      return 1;
    }
    const args = isCdk ? [...input.toolArgs, ...result.context.changes.args] : [input.command, ...input.toolArgs, ...result.context.changes.args];
    exitCode = await runTool(isCdk ? "cdk" : "sst", args, { cwd: input.cwd, env: input.env, ...childEnv(result.context) });
    return exitCode;
  }

  const args = isCdk ? input.toolArgs : [input.command, ...input.toolArgs];
  return runTool(isCdk ? "cdk" : "sst", args, { cwd: input.cwd, env: input.env });
}

function pick(values: { stage?: string | undefined; profile?: string | undefined; region?: string | undefined }): { stage?: string; profile?: string; region?: string } {
  return {
    ...(values.stage ? { stage: values.stage } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.region ? { region: values.region } : {}),
  };
}

function childEnv(context: { childEnv?: Record<string, string> }): { extraEnv?: Record<string, string> } {
  return context.childEnv && Object.keys(context.childEnv).length > 0 ? { extraEnv: context.childEnv } : {};
}

/** Takes --stage, --profile and --region from the tool's arguments unless our own options set them. */
function withToolFlags(options: CliOptions, toolArgs: string[], isCdk: boolean): CliOptions {
  const merged: CliOptions = { ...options };
  const stage = isCdk ? readContextStage(toolArgs) : readToolOption(toolArgs, ["--stage"]);
  const profile = readToolOption(toolArgs, ["--profile"]);
  const region = readToolOption(toolArgs, ["--region"]);
  if (!merged.stage && stage) {
    merged.stage = stage;
    if (isCdk) merged.stageSource = "cdk --context stage=...";
  }
  if (!merged.profile && profile) merged.profile = profile;
  if (!merged.region && region) merged.region = region;
  return merged;
}

function readContextStage(args: string[]): string | undefined {
  const value = readToolOption(args, ["-c", "--context"]);
  const match = value?.match(/^stage=(.+)$/);
  return match?.[1];
}

// Global options of the CDK CLI (aws-cdk 2.1149.0, lib/cli/cli-config.js) that take a
// value, so that the value is not read as the command.
const CDK_VALUE_OPTIONS = new Set([
  "-a", "--app", "--build", "-c", "--context", "-p", "--plugin", "--profile", "--region", "--proxy",
  "--ca-bundle-path", "-r", "--role-arn", "-o", "--output", "--unstable", "--telemetry-file",
]);

/** Returns the CDK command in `args`, such as "deploy" in `-c stage=prod deploy`. */
export function firstPositional(args: string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (CDK_VALUE_OPTIONS.has(arg)) {
      index++;
      continue;
    }
    if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

function readSstJson(cwd: string): { stage?: string; region?: string; origin: string } | undefined {
  const file = path.join(cwd, "sst.json");
  const parsed = readJsonObject(file);
  if (!parsed) return undefined;
  return {
    origin: "sst.json",
    ...(typeof parsed.stage === "string" ? { stage: parsed.stage } : {}),
    ...(typeof parsed.region === "string" ? { region: parsed.region } : {}),
  };
}

function readCdkJson(cwd: string): { profile?: string; region?: string; origin: string } | undefined {
  const parsed = readJsonObject(path.join(cwd, "cdk.json"));
  if (!parsed) return undefined;
  return {
    origin: "cdk.json",
    ...(typeof parsed.profile === "string" ? { profile: parsed.profile } : {}),
    ...(typeof parsed.region === "string" ? { region: parsed.region } : {}),
  };
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new PreflightError("InvalidConfig", `${file} is not valid JSON: ${(error as Error).message}`, { hints: ["Fix the JSON syntax in that file."] });
  }
}
