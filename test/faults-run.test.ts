// Whole `sst-preflight check --json` runs with every check on, against a server that
// stalls, resets, fails, throttles or returns malformed data: each check ends as unknown or
// fail with a reason, the run ends within its time budget, and nothing passes falsely.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeCdkProject, parseReport, runCli, type CliRun, type JsonCheck, type TempProject } from "./harness/cli-project.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { FAULT_KINDS, startFaultServer, type FaultKind, type FaultServer } from "./harness/fault-server.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { seedDeployTarget, TARGET } from "./harness/deploy-target.js";

const BUDGET_SECONDS = 3;
const CALL_TIMEOUT_SECONDS = 0.5;
// Node's start and the report come on top of the budget; a loaded 2-core machine adds more.
const BUDGET_SLACK_MS = 3_000;
// Checks that decide without any AWS call of their own.
const LOCAL_CHECKS = new Set(["account"]);
// Words that state why a check could not decide; a bare "unexpected error" is no reason.
const REASON = /timed out|time budget|could not reach|HTTP \d{3}|throttl|rate exceeded|denied|not allowed|could not be parsed|malformed|no .*(identity|answer|result)|did not return|missing|empty|invalid|unknown|failed/i;

interface State {
  moto: MotoServer;
  stub: IamStub;
  faults: FaultServer;
  project: TempProject;
  isolated: IsolatedEnv;
}

const faults = suite<State>("check run under faults");

faults.before(async (state) => {
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  state.faults = await startFaultServer({ upstreamUrl: state.stub.url });
  await seedDeployTarget(state.moto);
  state.project = makeCdkProject({
    config: { ...TARGET.config, timeoutSeconds: BUDGET_SECONDS, awsCallTimeoutSeconds: CALL_TIMEOUT_SECONDS },
  });
  state.isolated = makeIsolatedEnv({ endpoint: state.faults.url, vars: TARGET.vars });
});

faults.after(async (state) => {
  state.isolated?.cleanup();
  state.project?.cleanup();
  await state.faults?.stop();
  await state.stub?.stop();
  await state.moto?.stop();
});

async function checkRun(state: State): Promise<{ run: CliRun; checks: JsonCheck[] }> {
  const run = await runCli(["check", "--json", "--stage", TARGET.stage], { cwd: state.project.dir, env: state.isolated.env });
  return { run, checks: parseReport(run).checks };
}

function describe(checks: JsonCheck[]): string {
  return checks.map((check) => `${check.id}: ${check.status} ${check.summary}`).join("\n");
}

faults("without faults the checks pass", async (state) => {
  state.faults.configure([]);
  const { run, checks } = await checkRun(state);
  assert.is(run.exitCode, 0, `${describe(checks)}\n${run.stderr}`);
  for (const check of checks) {
    assert.ok(check.status === "pass" || check.status === "warn" || check.status === "skip", `${check.id}: ${check.status} ${check.summary}`);
  }
  assert.ok(checks.some((check) => !LOCAL_CHECKS.has(check.id) && check.id !== "credentials" && check.status === "pass"), "a check beyond credentials passes");
});

for (const fault of FAULT_KINDS) {
  faults(`${fault} on every service but STS`, async (state) => {
    state.faults.configure([{ fault, exceptServices: ["sts"] }]);
    const { run, checks } = await checkRun(state);
    const report = describe(checks);

    assert.ok(run.elapsedMs < BUDGET_SECONDS * 1000 + BUDGET_SLACK_MS, `the run took ${Math.round(run.elapsedMs)} ms\n${report}`);
    assert.is(checks.find((check) => check.id === "credentials")?.status, "pass", report);
    for (const check of checks) {
      if (check.id === "credentials" || LOCAL_CHECKS.has(check.id) || check.status === "skip") continue;
      assert.ok(check.status === "unknown" || check.status === "fail", `${check.id} must not pass under ${fault}:\n${report}`);
      // A fail states what it found; an unknown must state why it could not decide.
      const text = [check.summary, ...(check.details ?? [])].join("\n");
      if (check.status === "unknown") assert.match(text, REASON, `${check.id} gives a reason under ${fault}: ${text}`);
      assert.not.match(check.summary, /unexpected error/, `${check.id} crashed under ${fault}: ${check.summary}`);
    }
    assert.ok(state.faults.calls.some((call) => call.outcome === fault), "the fault was applied");
  });
}

const STS_FAULTS: FaultKind[] = ["stall", "reset", "status-503", "throttle", "malformed", "empty", "forbidden-html"];

for (const fault of STS_FAULTS) {
  faults(`${fault} on STS stops every check`, async (state) => {
    state.faults.configure([{ fault, service: "sts" }]);
    const { run, checks } = await checkRun(state);
    const report = describe(checks);

    assert.ok(run.elapsedMs < BUDGET_SECONDS * 1000 + BUDGET_SLACK_MS, `the run took ${Math.round(run.elapsedMs)} ms\n${report}`);
    const credentials = checks.find((check) => check.id === "credentials");
    assert.ok(credentials && (credentials.status === "unknown" || credentials.status === "fail"), `credentials must not pass under ${fault}:\n${report}`);
    assert.match(credentials!.summary, REASON);
    for (const check of checks) {
      assert.is.not(check.status, "pass", `${check.id} must not pass when the identity is unknown:\n${report}`);
    }
  });
}

faults("stalled AssumeRole of a profile", async (state) => {
  // The SDK's assume-role provider makes its own STS client, which has no timeout of ours.
  state.faults.configure([{ fault: "stall", service: "sts", action: "AssumeRole" }]);
  const profiles = makeIsolatedEnv({
    endpoint: state.faults.url,
    files: {
      config: "[profile deployer]\nrole_arn = arn:aws:iam::123456789012:role/cfn-exec\nsource_profile = base\nregion = us-east-1\n",
      credentials: "[base]\naws_access_key_id = AKIAFAULTBASE0000001\naws_secret_access_key = faultBaseSecret\n",
    },
    vars: { ...TARGET.vars, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: "deployer" },
  });
  try {
    const run = await runCli(["check", "--json", "--stage", TARGET.stage], { cwd: state.project.dir, env: profiles.env });
    const checks = parseReport(run).checks;
    const report = describe(checks);
    assert.ok(run.elapsedMs < BUDGET_SECONDS * 1000 + BUDGET_SLACK_MS, `the run took ${Math.round(run.elapsedMs)} ms\n${report}`);
    const credentials = checks.find((check) => check.id === "credentials");
    assert.ok(credentials && (credentials.status === "unknown" || credentials.status === "fail"), report);
    assert.match(credentials!.summary, REASON);
    assert.ok(state.faults.calls.some((call) => call.action === "AssumeRole" && call.outcome === "stall"), "AssumeRole was stalled");
  } finally {
    profiles.cleanup();
  }
});

faults.run();
