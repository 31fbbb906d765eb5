// Temporary CDK projects and runs of the built CLI in them, for the fault, signal,
// secret and benchmark runs. The CLI must be built first (`npm run build`).

import { assertReportMatchesSchema } from "./report-schema.js";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "./sst-app.js";

export const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");

export interface TempProject {
  dir: string;
  cleanup(): void;
}

export interface TempProjectOptions {
  /** Written as preflight.config.json when given. */
  config?: unknown;
  /** Extra files by path relative to the project. */
  files?: Record<string, string>;
  /** Executable scripts placed in node_modules/.bin, by name, such as `cdk` or `sst`. */
  bin?: Record<string, string>;
}

/** Creates a folder with `cdk.json`, so the CLI detects the CDK, plus the given files. */
export function makeCdkProject(options: TempProjectOptions = {}): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), "preflight-project-"));
  writeFileSync(path.join(dir, "cdk.json"), JSON.stringify({ app: "node app.js" }));
  if (options.config !== undefined) {
    writeFileSync(path.join(dir, "preflight.config.json"), JSON.stringify(options.config, null, 2));
  }
  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  for (const [name, script] of Object.entries(options.bin ?? {})) {
    const binDir = path.join(dir, "node_modules", ".bin");
    mkdirSync(binDir, { recursive: true });
    writeFileSync(path.join(binDir, name), script);
    chmodSync(path.join(binDir, name), 0o755);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `node dist/plugin/cli/main.js ARGS` in `cwd` with exactly `env`, and no stdin. */
export async function runCli(args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const began = performance.now();
  const result = await execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: options.timeoutMs ?? 60_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), elapsedMs: performance.now() - began };
}

/** One entry of the `checks` array of the --json report. */
export interface JsonCheck {
  id: string;
  status: string;
  summary: string;
  details?: string[];
  guidance?: string[];
}

/** Parses the --json report, with the output in the error when it is not JSON. */
export function parseReport(run: CliRun): { status: string; checks: JsonCheck[] } & Record<string, unknown> {
  let report: { status: string; checks: JsonCheck[] };
  try {
    report = JSON.parse(run.stdout) as { status: string; checks: JsonCheck[] };
  } catch {
    throw new Error(`--json printed no JSON document (exit code ${run.exitCode}).\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  // Every report a test reads must also match the published schema.
  assertReportMatchesSchema(report);
  return report;
}
