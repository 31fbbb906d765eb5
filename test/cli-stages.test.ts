// `sst-preflight check --all-stages` and `--stage a,b`: many stages in one run, their
// reports in stage order, one JSON document, and the exit code of the worst stage.
import { parseReport } from "./harness/report-schema.js";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeCdkProject, runCli, type TempProject } from "./harness/cli-project.js";
import { seedDeployTarget, TARGET, TARGET_ACCOUNT } from "./harness/deploy-target.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";

const STAGES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];

interface State {
  moto: MotoServer;
  stub: IamStub;
  project: TempProject;
  isolated: IsolatedEnv;
}

const stages = suite<State>("check several stages");

stages.before(async (state) => {
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  await seedDeployTarget(state.moto);
  const good = { accounts: [TARGET_ACCOUNT], regions: ["us-east-1"] };
  const config = {
    stages: { ...Object.fromEntries(STAGES.map((stage) => [stage, good])), prod: { accounts: ["111111111111"] }, "*": { accounts: [TARGET_ACCOUNT] } },
    checks: { permissions: "off", serviceRole: "off" },
  };
  state.project = makeCdkProject({ config });
  state.isolated = makeIsolatedEnv({ endpoint: state.stub.url, vars: TARGET.vars });
});

stages.after(async (state) => {
  state.isolated?.cleanup();
  state.project?.cleanup();
  await state.stub?.stop();
  await state.moto?.stop();
});

stages("all stages in one JSON document", async (state) => {
  await state.moto.startRecording();
  const run = await runCli(["check", "--all-stages", "--json"], { cwd: state.project.dir, env: state.isolated.env });
  await state.moto.stopRecording();
  assert.is(run.exitCode, 1, run.stderr);
  const actions = (await state.moto.recording()).map((request) => request.action);
  assert.is(actions.filter((action) => action === "GetCallerIdentity").length, 1, "stages with the same credentials share one identity call");
  assert.is(actions.filter((action) => action === "DescribeStacks").length, 1, "stages in one environment share one toolkit stack read");
  const document = parseReport(run.stdout) as { blocked: boolean; status: string; stages: Array<{ stage: { value: string }; blocked: boolean }> };
  assert.equal(
    document.stages.map((report) => report.stage.value),
    [...STAGES, "prod"],
    "every named stage, in configuration order, without the * entry",
  );
  assert.is(document.blocked, true);
  assert.is(document.status, "fail");
  assert.equal(document.stages.filter((report) => report.blocked).map((report) => report.stage.value), ["prod"]);
  assert.match(run.stderr, "blocked: prod");
});

stages("human reports keep stage order", async (state) => {
  const run = await runCli(["check", "--all-stages"], { cwd: state.project.dir, env: state.isolated.env });
  const headers = [...run.stderr.matchAll(/stage (\w+) \(--stage\)/g)].map((match) => match[1]);
  assert.equal(headers, [...STAGES, "prod"], run.stderr);
});

stages("comma list checks those stages", async (state) => {
  const run = await runCli(["check", "--stage", "beta,alpha", "--json"], { cwd: state.project.dir, env: state.isolated.env });
  assert.is(run.exitCode, 0, run.stderr);
  const document = parseReport(run.stdout) as { stages: Array<{ stage: { value: string } }> };
  assert.equal(document.stages.map((report) => report.stage.value), ["beta", "alpha"]);
});

stages("empty stage name is a usage error", async (state) => {
  const run = await runCli(["check", "--stage", "alpha,,beta"], { cwd: state.project.dir, env: state.isolated.env });
  assert.is(run.exitCode, 2);
  assert.match(run.stderr, 'Invalid --stage "alpha,,beta"');
});

stages("all stages with no stages configured", async (state) => {
  const empty = makeCdkProject({ config: {} });
  try {
    const run = await runCli(["check", "--all-stages"], { cwd: empty.dir, env: state.isolated.env });
    assert.is(run.exitCode, 2);
    assert.match(run.stderr, "--all-stages found no stages");
  } finally {
    empty.cleanup();
  }
});

stages.run();
