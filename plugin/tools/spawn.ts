// Runs the project's own sst or cdk after the checks pass, with inherited stdio,
// forwarding SIGINT and SIGTERM, and returns its exit code.
import { existsSync } from "node:fs";
import path from "node:path";
import { PreflightError } from "../errors.js";

/** Finds `node_modules/.bin/<name>` in `cwd` or a parent folder. */
export function findLocalBinary(cwd: string, name: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, "node_modules", ".bin", name);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface RunToolOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Extra variables, such as resolved session credentials; never passed as arguments. */
  extraEnv?: Record<string, string>;
}

export async function runTool(binaryName: string, args: string[], options: RunToolOptions): Promise<number> {
  const binary = findLocalBinary(options.cwd, binaryName);
  if (!binary) {
    const pkg = binaryName === "cdk" ? "aws-cdk" : "sst";
    throw new PreflightError("ToolNotFound", `${binaryName} is not installed in ${options.cwd}`, {
      hints: [`Install it in the project: npm i -D ${pkg}`],
    });
  }

  // Loaded on first use, so that commands which start no tool do not load its module graph.
  const { execa } = await import("execa");
  const child = execa(binary, args, {
    cwd: options.cwd,
    env: { ...options.env, ...options.extraEnv },
    extendEnv: false,
    stdio: "inherit",
    reject: false,
    // The child handles the terminal's Ctrl+C itself; we only pass on what reaches us.
    cleanup: true,
    forceKillAfterDelay: 5_000,
  });

  let interrupted = false;
  const forward = (signal: NodeJS.Signals) => {
    interrupted = true;
    child.kill(signal);
  };
  const onInt = () => forward("SIGINT");
  const onTerm = () => forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    const result = await child;
    if (result.signal === "SIGINT" || (interrupted && result.exitCode === undefined)) return 130;
    if (result.signal === "SIGTERM") return 143;
    if (result.failed && result.exitCode === undefined) {
      throw new PreflightError("ToolNotFound", `Could not run ${binary}: ${result.shortMessage}`);
    }
    return result.exitCode ?? 1;
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}
