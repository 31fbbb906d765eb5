// End to end with the real sst@2.49.8 CLI: the example app's config() runs every
// check, a wrong account stops SST before it calls CloudFormation, and on a healthy
// target (bootstrapped, simulation allowed) SST goes on.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { execa } from "execa";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { seedExampleProdAccount } from "./harness/example-account.js";
import { makeSstApp, REPO_ROOT, type SstApp } from "./harness/sst-app.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");

interface State {
  moto: MotoServer;
  stub: IamStub;
  app: SstApp;
  isolated: IsolatedEnv;
  secret: string;
}

const e2e = suite<State>("sst v2 example app");

e2e.before(async (state) => {
  state.moto = await startMoto();
  const deployer = await seedExampleProdAccount(state.moto);
  await state.moto.enableAuth();
  // moto lacks the IAM policy simulator; the stub serves it and passes the rest to moto.
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  state.app = makeSstApp();
  state.secret = deployer.secretAccessKey;
  state.isolated = makeIsolatedEnv({
    endpoint: state.stub.url,
    vars: { AWS_ACCESS_KEY_ID: deployer.accessKeyId, AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey },
  });
});

e2e.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.app?.cleanup();
  state.isolated?.cleanup();
});

async function run(state: State, command: string, args: string[]) {
  await state.moto.startRecording();
  const result = await execa(command, args, {
    cwd: state.app.dir,
    env: state.isolated.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: 180_000,
  });
  await state.moto.stopRecording();
  const requests = await state.moto.recording();
  return { ...result, requests, output: `${result.stdout}\n${result.stderr}` };
}

const sstBinary = (state: State) => path.join(state.app.dir, "node_modules", ".bin", "sst");
const cloudFormationCalls = (requests: Array<{ service?: string; action?: string }>) => requests.filter((request) => request.service === "cloudformation");

e2e("wrong account stops sst deploy before CloudFormation", async (state) => {
  const result = await run(state, sstBinary(state), ["deploy", "--stage", "dev"]);
  assert.is(result.exitCode, 1, result.output);
  assert.match(result.stderr, "account 111111111111 is not allowed for stage \"dev\"");
  assert.match(result.stderr, "expected 222222222222");
  assert.match(result.stderr, "sst-preflight stopped `sst deploy`");
  assert.match(result.stderr, /AKIA\*+[A-Z0-9]{4}/);
  assert.is(cloudFormationCalls(result.requests).length, 0, "no CloudFormation request may reach the emulator");
  assert.not.match(result.output, state.secret);
});

e2e("right account lets sst deploy go on", async (state) => {
  const result = await run(state, sstBinary(state), ["deploy", "--stage", "prod"]);
  for (const check of ["credentials", "account", "bootstrap", "permissions"]) {
    assert.match(result.stderr, `✔ ${check}`, result.stderr);
  }
  assert.match(result.stderr, "arn:aws:iam::111111111111:user/deployer");
  assert.not.match(result.stderr, "sst-preflight stopped");
  // SST continues into its deploy, which the emulator cannot complete.
  assert.ok(cloudFormationCalls(result.requests).length > 0, `SST should call CloudFormation after the checks:\n${result.output}`);
  assert.not.match(result.output, state.secret);
});

e2e("wrapper leaves the checks to preflight() in sst.config.ts", async (state) => {
  const result = await run(state, process.execPath, [CLI, "deploy", "--stage", "dev"]);
  assert.is(result.exitCode, 1, result.output);
  assert.match(result.stderr, "account 111111111111 is not allowed");
  assert.match(result.stderr, "sst-preflight stopped `sst deploy`");
  // One run of the checks, inside SST, not one in the wrapper and one in SST.
  assert.is(result.stderr.split("✔ credentials").length - 1, 1, result.stderr);
  assert.is(cloudFormationCalls(result.requests).length, 0);
  assert.not.match(result.output, state.secret);
});

e2e("wrapper stops a wrong-account deploy before sst runs", async (state) => {
  // An app that keeps its settings in preflight.config.json and does not call preflight().
  const plain = makeSstApp({
    config: [
      'import type { SSTConfig } from "sst";',
      "export default {",
      '  config: () => ({ name: "plain-app", region: "eu-west-1" }),',
      "  stacks() {},",
      "} satisfies SSTConfig;",
      "",
    ].join("\n"),
    files: { "preflight.config.json": JSON.stringify({ stages: { dev: { accounts: ["222222222222"] } } }) },
  });
  try {
    await state.moto.startRecording();
    const result = await execa(process.execPath, [CLI, "deploy", "--stage", "dev"], {
      cwd: plain.dir,
      env: state.isolated.env,
      extendEnv: false,
      reject: false,
      stdin: "ignore",
      timeout: 60_000,
    });
    await state.moto.stopRecording();
    const requests = await state.moto.recording();
    assert.is(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, "account 111111111111 is not allowed for stage \"dev\"", result.stderr);
    assert.match(result.stderr, "stopped `sst deploy --stage dev` before it ran");
    assert.is(cloudFormationCalls(requests).length, 0);
    assert.not.match(`${result.stdout}${result.stderr}`, state.secret);
  } finally {
    plain.cleanup();
  }
});

e2e("wrapper runs sst after the checks pass", async (state) => {
  const result = await run(state, process.execPath, [CLI, "deploy", "--stage", "prod"]);
  assert.match(result.stderr, "✔ account");
  assert.ok(cloudFormationCalls(result.requests).length > 0, `sst should have run:\n${result.output}`);
  assert.not.match(result.output, state.secret);
});

e2e("check reads the options of preflight() in sst.config.ts", async (state) => {
  const result = await run(state, process.execPath, [CLI, "check", "--stage", "dev", "--json"]);
  assert.is(result.exitCode, 1, result.output);
  const report = JSON.parse(result.stdout) as { config: string; region: { value: string; source: string }; checks: Array<{ id: string; status: string; summary: string }> };
  assert.is(report.config, "sst.config.ts");
  assert.equal(report.region, { value: "eu-west-1", source: "sst.config.ts" });
  const account = report.checks.find((check) => check.id === "account");
  assert.is(account?.status, "fail");
  assert.match(account?.summary ?? "", "expected 222222222222");
  assert.is(cloudFormationCalls(result.requests).filter((request) => /Create|Update|Delete|Execute/.test(request.action ?? "")).length, 0);
});

e2e.run();
