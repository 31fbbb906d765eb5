#!/usr/bin/env node
// Entry point of the sst-preflight command. It owns stdout, stderr and the exit code.
import { readFileSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";
import { describeError, isPreflightError } from "../errors.js";
import { EXTRA_VALUE_OPTIONS, parseCommandLine, WRAPPER_COMMANDS } from "./args.js";
import { HELP } from "./help.js";

// Node 22.1 and later keep compiled code of the modules a command loads (the AWS SDK
// clients above all) in a cache folder, so the next run starts faster. Node 20 lacks it.
// NOTE: the gain is not measured here, because the benchmark machine runs Node 20.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function main(argv: string[]): Promise<number> {
  const write = (text: string) => process.stderr.write(text);
  const parsed = parseCommandLine(argv, EXTRA_VALUE_OPTIONS);
  const { options } = parsed;
  jsonRequested = options.json === true;

  if (options.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (options.help || !parsed.command) {
    (parsed.command || options.help ? process.stdout : process.stderr).write(HELP);
    return options.help ? 0 : 2;
  }

  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const common = { cwd: process.cwd(), env: process.env, options, signal: interrupt.signal };

  try {
    // Each command loads its own modules, so that a check never loads the wrapper's.
    if (parsed.command === "check") {
      const { checkCommand } = await import("./commands/check.js");
      return await checkCommand(common);
    }
    if (WRAPPER_COMMANDS.has(parsed.command)) {
      const { wrapCommand } = await import("./commands/wrap.js");
      return await wrapCommand({ ...common, command: parsed.command, toolArgs: parsed.toolArgs, write });
    }
    const extra = await loadExtraCommand(parsed.command);
    if (extra) return await extra({ ...common, positionals: parsed.positionals, write });
    write(`Unknown command "${parsed.command}".\n\n${HELP}`);
    return 2;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export type ExtraCommand = (input: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  options: ReturnType<typeof parseCommandLine>["options"];
  positionals: string[];
  signal: AbortSignal;
  write(text: string): void;
}) => Promise<number>;

/** Loads commands that live in their own modules, so a check run does not load them. */
async function loadExtraCommand(name: string): Promise<ExtraCommand | undefined> {
  const modules: Record<string, () => Promise<{ run: ExtraCommand }>> = {
    policy: () => import("./commands/policy.js"),
    init: () => import("./commands/init.js"),
  };
  const load = modules[name];
  return load ? (await load()).run : undefined;
}

function packageVersion(): string {
  const manifest = fileURLToPath(new URL("../../../package.json", import.meta.url));
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

// Time the process may still run after the command finished, to flush its output.
// A socket that a library left open (a credential provider's request without a
// timeout, for one) must not keep the command from ending.
const EXIT_GRACE_MS = 2_000;

function exitAfterGrace(): void {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

// Set when main() settles. An exit before that means the event loop ran dry while the run
// waited on a promise that can never settle, so it must not look like a success.
let settled = false;
// Set once the command line is parsed; an error then still yields one JSON document.
let jsonRequested = false;
process.on("exit", () => {
  if (settled) return;
  process.stderr.write("sst-preflight: the run ended before it finished, because it waited on something that can never finish (such as a top-level await in a configuration file)\n");
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    exitAfterGrace();
  },
  (error: unknown) => {
    settled = true;
    if (isPreflightError(error)) {
      if (jsonRequested) {
        const document = { version: 1, status: "error", blocked: true, error: { code: error.code, message: error.message, hints: error.hints } };
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      }
      process.stderr.write(`sst-preflight: ${error.message}\n`);
      for (const hint of error.hints) process.stderr.write(`  → ${hint}\n`);
      if (process.argv.includes("--debug") && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
      exitAfterGrace();
      return;
    }
    process.stderr.write(`sst-preflight: unexpected error: ${describeError(error)}\n`);
    if (process.argv.includes("--debug") && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write("  → Run again with --debug to see the stack trace, and report it.\n");
    process.exitCode = 1;
    exitAfterGrace();
  },
);
