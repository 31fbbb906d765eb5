// Interrupting the wrapper: SIGINT and SIGTERM reach the wrapped tool, the wrapper
// exits 130 (or 143 for SIGTERM), and no process of the run is left behind.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CLI, makeCdkProject, type TempProject } from "./harness/cli-project.js";
import { seedDeployTarget, TARGET } from "./harness/deploy-target.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startFaultServer, type FaultServer } from "./harness/fault-server.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";

// A fake `cdk` that records its pid and every SIGINT/SIGTERM it gets, then exits as a
// well-behaved CLI does (128 + the signal number), or lets the signal kill it.
function fakeTool(trap: boolean): string {
  return `#!${process.execPath}
const fs = require("node:fs");
fs.writeFileSync("child.pid", String(process.pid));
const record = (name, code) => () => { fs.appendFileSync("signals.log", name + "\\n"); process.exit(code); };
if (${trap}) {
  process.on("SIGINT", record("SIGINT", 130));
  process.on("SIGTERM", record("SIGTERM", 143));
}
process.stdout.write("ready\\n");
setTimeout(() => process.exit(0), 20000);
`;
}

interface State {
  moto: MotoServer;
  stub: IamStub;
  faults: FaultServer;
  isolated: IsolatedEnv;
}

const signals = suite<State>("wrapper signals");

signals.before(async (state) => {
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  state.faults = await startFaultServer({ upstreamUrl: state.stub.url });
  await seedDeployTarget(state.moto);
  state.isolated = makeIsolatedEnv({ endpoint: state.faults.url, vars: TARGET.vars });
});

signals.after(async (state) => {
  state.isolated?.cleanup();
  await state.faults?.stop();
  await state.stub?.stop();
  await state.moto?.stop();
});

interface Wrapped {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  pid: number;
  output: () => string;
}

function startWrapper(state: State, project: TempProject, args: string[]): Wrapped {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: project.dir, env: state.isolated.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { exit, pid: child.pid!, output: () => output };
}

/** Resolves with the wrapper's exit, or undefined when it is still running after `ms`. */
async function exitWithin(wrapper: Wrapped, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([wrapper.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Returns the pids of live processes whose command line or working folder is inside `dir`. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(Number(entry));
    } catch {
      // The process ended while we looked, or belongs to another user.
    }
  }
  return found;
}

const CASES: Array<{ signal: NodeJS.Signals; trap: boolean; exitCode: number }> = [
  { signal: "SIGINT", trap: true, exitCode: 130 },
  { signal: "SIGTERM", trap: true, exitCode: 143 },
  { signal: "SIGINT", trap: false, exitCode: 130 },
];

for (const { signal, trap, exitCode } of CASES) {
  signals(`${signal} reaches the ${trap ? "trapping" : "plain"} tool`, async (state) => {
    state.faults.configure([]);
    const project = makeCdkProject({ config: TARGET.config, bin: { cdk: fakeTool(trap) } });
    try {
      const wrapper = startWrapper(state, project, ["cdk", "deploy", "--stage", TARGET.stage]);
      const pidFile = path.join(project.dir, "child.pid");
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "", 30_000, `the fake cdk to start\n${wrapper.output()}`);
      const childPid = Number(readFileSync(pidFile, "utf8"));

      process.kill(wrapper.pid, signal);
      const exit = await exitWithin(wrapper, 10_000);
      assert.ok(exit, `the wrapper did not exit within 10 s after ${signal}\n${wrapper.output()}`);
      assert.is(exit!.code, exitCode, wrapper.output());
      if (trap) assert.is(readFileSync(path.join(project.dir, "signals.log"), "utf8").trim(), signal);
      await waitFor(() => !isAlive(childPid), 2_000, "the fake cdk to end");
      assert.equal(processesIn(project.dir), [], "no process of the run is left");
    } finally {
      project.cleanup();
    }
  });
}

signals("SIGINT during the checks exits 130", async (state) => {
  state.faults.configure([{ fault: "stall" }]);
  const project = makeCdkProject({ config: { ...TARGET.config, timeoutSeconds: 30 }, bin: { cdk: fakeTool(true) } });
  try {
    const wrapper = startWrapper(state, project, ["cdk", "deploy", "--stage", TARGET.stage]);
    await waitFor(() => state.faults.calls.length > 0, 15_000, "the first AWS call");
    const interrupted = performance.now();
    process.kill(wrapper.pid, "SIGINT");
    const exit = await exitWithin(wrapper, 10_000);
    assert.ok(exit, `the wrapper did not exit within 10 s after SIGINT\n${wrapper.output()}`);
    assert.is(exit!.code, 130, wrapper.output());
    assert.ok(performance.now() - interrupted < 3_000, "the wrapper stops at once");
    assert.not.ok(existsSync(path.join(project.dir, "child.pid")), "the tool never started");
    assert.equal(processesIn(project.dir), [], "no process of the run is left");
  } finally {
    project.cleanup();
  }
});

signals("SIGINT during check exits 130", async (state) => {
  state.faults.configure([{ fault: "stall" }]);
  const project = makeCdkProject({ config: { ...TARGET.config, timeoutSeconds: 30 } });
  try {
    const wrapper = startWrapper(state, project, ["check", "--stage", TARGET.stage, "--json"]);
    await waitFor(() => state.faults.calls.length > 0, 15_000, "the first AWS call");
    process.kill(wrapper.pid, "SIGINT");
    const exit = await exitWithin(wrapper, 10_000);
    assert.ok(exit, `check did not exit within 10 s after SIGINT\n${wrapper.output()}`);
    assert.is(exit!.code, 130, wrapper.output());
  } finally {
    project.cleanup();
  }
});

signals.run();
