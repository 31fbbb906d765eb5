// Runs the real `cdk bootstrap` for one environment when the user agreed to it:
// `bootstrap.fix` "auto" or --fix, or a "y" to the question on a terminal. The resolved
// credentials reach the CLI through its environment only, and its output goes to
// stderr as it runs, so stdout stays free for --json.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sharedFilePaths } from "../../plugin/aws/profiles.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { findCdkBinary } from "./cdk-binary.js";
import { bootstrapArgs } from "./guidance.js";
import type { BootstrapSettings, FixRecord, Target } from "./types.js";

export type FixMode = "never" | "prompt" | "auto";

/** A bootstrap in a new account takes a few minutes; this bounds a hung CLI. */
const FIX_TIMEOUT_MS = 15 * 60_000;
const OUTPUT_LINES_KEPT = 12;

export function fixMode(context: PreflightContext): { mode: FixMode; source: string } {
  if (context.flags.fix) return { mode: "auto", source: "--fix" };
  const setting = context.config.bootstrap?.fix;
  if (setting) return { mode: setting, source: `bootstrap.fix in ${context.configOrigin}` };
  return { mode: "prompt", source: "the default (ask on a terminal)" };
}

/** Returns undefined when the fix may run, or the reason it may not. */
export async function askConsent(context: PreflightContext, mode: FixMode, command: string): Promise<string | undefined> {
  if (mode === "auto") return undefined;
  if (mode === "never") return 'bootstrap.fix is "never"';
  if (!context.interactive) return "no one can answer a question here: stdin is not a terminal, or CI is set";
  const answer = await context.prompt(`Run "${command}" now? [y/N] `);
  return /^y(es)?$/i.test(answer) ? undefined : `the answer was "${answer || "no"}"`;
}

export async function runCdkBootstrap(context: PreflightContext, target: Target, settings: BootstrapSettings): Promise<FixRecord> {
  const args = ["bootstrap", ...bootstrapArgs(target, settings), "--no-notices"];
  const command = `cdk ${args.join(" ")}`;
  const binary = findCdkBinary(context.cwd);
  if (!binary) {
    return { attempted: false, command, reason: `aws-cdk is not installed in ${context.cwd}; install it with npm i -D aws-cdk (sst-preflight never downloads it)` };
  }
  const identity = context.credentials?.identity;
  if (!identity) return { attempted: false, command, reason: "no resolved credentials to pass to the CDK CLI" };

  const env: Record<string, string | undefined> = { ...context.env, ...context.childEnv };
  // The CLI must act as the identity the check resolved, so no profile may take over.
  for (const name of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"]) delete env[name];
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: identity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
    ...(identity.sessionToken ? { AWS_SESSION_TOKEN: identity.sessionToken } : {}),
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
  });

  // In an empty working folder, which is also its HOME, the CLI neither synthesizes the app
  // nor reads a profile out of cdk.json or ~/.cdk.json. Every setting it needs is on the
  // command line, and the AWS files stay those of the check (for ca_bundle and the like).
  const workDir = mkdtempSync(path.join(os.tmpdir(), "sst-preflight-bootstrap-"));
  const awsFiles = sharedFilePaths(context.env);
  // CDK_HOME keeps the CLI's account cache (~/.cdk/cache) in that folder too.
  Object.assign(env, { HOME: workDir, USERPROFILE: workDir, CDK_HOME: workDir, AWS_CONFIG_FILE: awsFiles.configPath, AWS_SHARED_CREDENTIALS_FILE: awsFiles.credentialsPath });
  const began = performance.now();
  const tail: string[] = [];
  // A bootstrap takes minutes on AWS; the budget is for checks, not for a consented fix.
  const resumeBudget = context.pauseBudget?.() ?? (() => {});
  process.stderr.write(`sst-preflight: running ${command} (${binary.location})\n`);
  try {
    // Loaded here, because most runs never bootstrap and execa is a large module graph.
    const { execa } = await import("execa");
    const child = execa(binary.file, [...binary.prefix, ...args], {
      cwd: workDir,
      env,
      extendEnv: false,
      stdin: "ignore",
      buffer: false,
      reject: false,
      timeout: FIX_TIMEOUT_MS,
      cancelSignal: context.signal,
      forceKillAfterDelay: 5_000,
    });
    const relay = (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail.push(...chunk.toString("utf8").split("\n").filter((line) => line.trim() !== ""));
      if (tail.length > OUTPUT_LINES_KEPT) tail.splice(0, tail.length - OUTPUT_LINES_KEPT);
    };
    child.stdout?.on("data", relay);
    child.stderr?.on("data", relay);
    const result = await child;
    const record: FixRecord = { attempted: true, command, exitCode: result.exitCode ?? -1, durationMs: Math.round(performance.now() - began) };
    if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isCanceled) record.reason = `could not start ${binary.location}: ${result.shortMessage}`;
    else if (result.timedOut) record.reason = `cdk bootstrap did not finish within ${FIX_TIMEOUT_MS / 60_000} min and was stopped`;
    else if (result.isCanceled) record.reason = "the run was interrupted or its time budget was spent";
    else if (result.exitCode !== 0) record.reason = `cdk bootstrap failed with exit code ${result.exitCode ?? "none"}: ${tail.slice(-3).join(" | ")}`;
    return record;
  } finally {
    resumeBudget();
    rmSync(workDir, { recursive: true, force: true });
  }
}
