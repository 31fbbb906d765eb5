// The MFA prompt through a real pseudo-terminal (script(1)): the code is asked once on
// stderr, never echoed, sent to STS with the device's serial number, and the session
// is handed to the wrapped tool so it does not ask again. Without a terminal, or in CI,
// the check fails at once.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { startMoto, type MotoServer, type RecordedRequest } from "./harness/moto.js";
import { makeIsolatedEnv, type EnvVars, type IsolatedEnv } from "./harness/env.js";
import { createRole, createUser, type SeededUser } from "./harness/seed.js";
import { REPO_ROOT } from "./harness/sst-app.js";
import { writeFakeCdk } from "./fixtures/credentials/fake-cdk.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const SERIAL = "arn:aws:iam::111111111111:mfa/alice";
const CODE = "492817";
const ONLY_CREDENTIALS = { checks: { account: "off", bootstrap: "off", serviceRole: "off", permissions: "off" } };

interface State {
  moto: MotoServer;
  base: SeededUser;
}

interface Project {
  dir: string;
  isolated: IsolatedEnv;
  cleanup(): void;
}

function makeProject(state: State, vars: EnvVars = {}): Project {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-mfa-"));
  writeFileSync(path.join(dir, "cdk.json"), JSON.stringify({ app: "node app.js" }));
  writeFileSync(path.join(dir, "preflight.config.json"), JSON.stringify(ONLY_CREDENTIALS));
  const isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    files: {
      config: `[profile base]\nregion = eu-west-1\n[profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n`,
      credentials: `[base]\naws_access_key_id = ${state.base.accessKeyId}\naws_secret_access_key = ${state.base.secretAccessKey}\n`,
    },
    vars,
  });
  return {
    dir,
    isolated,
    cleanup: () => {
      isolated.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface TerminalRun {
  output: string;
  exitCode: number | null;
  requests: RecordedRequest[];
}

/**
 * Runs the CLI inside script(1), so its stdin, stdout and stderr are a pseudo-terminal,
 * and types one of `answers` each time an MFA prompt appears.
 */
async function runInTerminal(state: State, project: Project, args: string[], ...answers: string[]): Promise<TerminalRun> {
  const assignments = Object.entries(project.isolated.env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const command = `env -i ${assignments.join(" ")} ${shellQuote(process.execPath)} ${shellQuote(CLI)} ${args.map(shellQuote).join(" ")}`;
  await state.moto.startRecording();
  const result = await new Promise<{ output: string; exitCode: number | null }>((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-f", "-c", command, "/dev/null"], { cwd: project.dir, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let typed = 0;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const prompts = count(output, "Enter the MFA code for");
      while (typed < prompts && typed < answers.length) {
        // Type the way a person does: the keys a little after the prompt.
        const keys = answers[typed++]!;
        setTimeout(() => child.stdin.write(keys), 150);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the terminal run did not end:\n${output}`));
    }, 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      child.stdin.end();
      resolve({ output, exitCode: code });
    });
  });
  await state.moto.stopRecording();
  return { ...result, requests: await state.moto.recording() };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function assumeRoleCalls(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.action === "AssumeRole");
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

const mfa = suite<State>("mfa prompt");

mfa.before(async (state) => {
  state.moto = await startMoto();
  state.base = await createUser(state.moto, "alice", undefined, { account: "111111111111" });
  await createRole(state.moto, "admin", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] }, { account: "111111111111" });
});

mfa.after(async (state) => {
  await state.moto?.stop();
});

// ---

mfa("code entered on a terminal reaches STS", async (state) => {
  const project = makeProject(state);
  try {
    const run = await runInTerminal(state, project, ["check", "--profile", "admin"], `${CODE}\r`);
    assert.is(run.exitCode, 0, run.output);
    assert.is(count(run.output, `Enter the MFA code for ${SERIAL}: `), 1, run.output);
    assert.not.match(run.output, CODE, "the code must not be echoed");
    assert.not.match(run.output, state.base.secretAccessKey);
    assert.match(run.output, "assumed-role/admin/");
    const calls = assumeRoleCalls(run.requests);
    assert.is(calls.length, 1);
    const body = new URLSearchParams(calls[0]!.body);
    assert.is(body.get("SerialNumber"), SERIAL);
    assert.is(body.get("TokenCode"), CODE);
    assert.is(body.get("RoleArn"), "arn:aws:iam::111111111111:role/admin");
  } finally {
    project.cleanup();
  }
});

mfa("backspace edits the hidden code", async (state) => {
  const project = makeProject(state);
  try {
    const run = await runInTerminal(state, project, ["check", "--profile", "admin"], `4928x\u007f17\r`);
    assert.is(run.exitCode, 0, run.output);
    assert.is(new URLSearchParams(assumeRoleCalls(run.requests)[0]!.body).get("TokenCode"), CODE);
  } finally {
    project.cleanup();
  }
});

mfa("invalid code is asked again", async (state) => {
  const project = makeProject(state);
  try {
    const run = await runInTerminal(state, project, ["check", "--profile", "admin"], "12ab\r", `${CODE}\r`);
    assert.is(run.exitCode, 0, run.output);
    assert.match(run.output, `That was not a 6-digit code. Enter the MFA code for ${SERIAL}: `);
    assert.is(new URLSearchParams(assumeRoleCalls(run.requests)[0]!.body).get("TokenCode"), CODE);
  } finally {
    project.cleanup();
  }
});

mfa("wrapped tool reuses the MFA session", async (state) => {
  const project = makeProject(state, { AWS_PROFILE: "admin" });
  try {
    writeFakeCdk(project.dir);
    const run = await runInTerminal(state, project, ["cdk", "deploy"], `${CODE}\r`);
    assert.is(run.exitCode, 0, run.output);
    assert.is(count(run.output, "Enter the MFA code for"), 1, run.output);
    assert.not.match(run.output, "TOOL ASKED FOR AN MFA CODE");
    assert.match(run.output, "tool identity: arn:aws:sts::111111111111:assumed-role/admin/");
    assert.match(run.output, "tool argv: deploy\r\n", "no credential travels in the arguments");
    assert.is(assumeRoleCalls(run.requests).length, 1, "the tool used the session instead of assuming the role again");
    assert.not.match(run.output, CODE);
  } finally {
    project.cleanup();
  }
});

mfa("Ctrl+C at the prompt interrupts the run", async (state) => {
  const project = makeProject(state);
  try {
    const run = await runInTerminal(state, project, ["check", "--profile", "admin"], "\u0003");
    assert.is(run.exitCode, 130, run.output);
    assert.is(assumeRoleCalls(run.requests).length, 0);
  } finally {
    project.cleanup();
  }
});

mfa.run();

// ---

const noTerminal = suite<State>("mfa without a terminal");

noTerminal.before(async (state) => {
  state.moto = await startMoto();
  state.base = await createUser(state.moto, "alice", undefined, { account: "111111111111" });
});

noTerminal.after(async (state) => {
  await state.moto?.stop();
});

async function runPiped(state: State, args: string[], vars: EnvVars) {
  const project = makeProject(state, vars);
  try {
    await state.moto.startRecording();
    const result = await execa(process.execPath, [CLI, ...args], { cwd: project.dir, env: project.isolated.env, extendEnv: false, reject: false, stdin: "pipe", timeout: 60_000 });
    await state.moto.stopRecording();
    return { ...result, requests: await state.moto.recording() };
  } finally {
    project.cleanup();
  }
}

noTerminal("CI fails at once without a prompt", async (state) => {
  const started = Date.now();
  const result = await runPiped(state, ["check", "--profile", "admin"], { CI: "true" });
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, `profile admin needs an MFA code for ${SERIAL}, but no one can enter it (CI is set)`);
  assert.match(result.stderr, "web identity (OIDC)");
  assert.match(result.stderr, "aws-vault exec");
  assert.not.match(result.stderr, "Enter the MFA code");
  assert.is(result.requests.length, 0);
  assert.ok(Date.now() - started < 15_000, "the check must not wait for input");
});

noTerminal("piped stdin fails at once", async (state) => {
  const result = await runPiped(state, ["check", "--profile", "admin"], {});
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, "(stdin is not a terminal)", result.stderr);
  assert.is(result.requests.length, 0);
});

noTerminal("SST v3 cannot prompt for MFA", async (state) => {
  const result = await runPiped(state, ["check", "--tool", "sst-v3", "--profile", "admin"], {});
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, "SST v3 has no MFA prompt");
  assert.match(result.stderr, "aws-vault exec admin -- sst deploy");
});

noTerminal.run();
