// The bootstrap fix: consent (--fix, bootstrap.fix, a question on a real pseudo-terminal),
// the exact `cdk bootstrap` command with credentials in its environment only, and the real
// CDK CLI bootstrapping a region of moto before the check passes. CLI cases need `npm run build`.
import { parseReport } from "./harness/report-schema.js";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { execa } from "execa";
import { makeIsolatedEnv, type EnvVars } from "./harness/env.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createUser, seedClientConfig, type SeededUser } from "./harness/seed.js";
import { REPO_ROOT } from "./harness/sst-app.js";
import { openTerminal } from "./harness/tmux.js";
import { createToolkitStack, makeProject, runBootstrapCheck, targetsOf, type Project } from "./fixtures/bootstrap/helpers.js";

const ACCOUNT = "111111111111";
const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const OTHER_CHECKS_OFF = { checks: { serviceRole: "off", permissions: "off", account: "off" } };

const FAKE_CDK = `#!/bin/sh
{ echo "cwd=$(pwd)"; echo "HOME=$HOME"; for arg in "$@"; do echo "arg=$arg"; done; env | grep '^AWS_' | sort; } > "$FAKE_CDK_LOG"
echo "fake cdk ran" >&2
exit "\${FAKE_CDK_EXIT:-0}"
`;

interface State {
  moto: MotoServer;
  user: SeededUser;
  projects: Project[];
}

const fix = suite<State>("bootstrap fix");

fix.before(async (state) => {
  state.moto = await startMoto();
  state.projects = [];
  state.user = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY, { account: ACCOUNT });
});

fix.after(async (state) => {
  for (const project of state.projects) project.cleanup();
  await state.moto?.stop();
});

function project(state: State, options: Parameters<typeof makeProject>[0] = {}): Project {
  const created = makeProject(options);
  state.projects.push(created);
  return created;
}

function isolatedEnv(state: State, region: string, vars: EnvVars = {}) {
  return makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, AWS_REGION: region, ...vars },
  });
}

/** Makes a project whose node_modules/.bin/cdk is a script that records its arguments and AWS_* variables. */
function fakeCdkProject(state: State, config: unknown): { dir: string; log: string } {
  const dir = project(state, { config }).dir;
  mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  const script = path.join(dir, "node_modules", ".bin", "cdk");
  writeFileSync(script, FAKE_CDK);
  chmodSync(script, 0o755);
  return { dir, log: path.join(dir, "fake-cdk.log") };
}

fix("fix passes credentials by environment only", async (state) => {
  const { dir, log } = fakeCdkProject(state, { bootstrap: { qualifier: "team03", toolkitStackName: "Toolkit3" } });
  const isolated = isolatedEnv(state, "eu-west-1", { FAKE_CDK_LOG: log });
  try {
    const { bootstrap } = await runBootstrapCheck({ cwd: dir, env: isolated.env, fix: true });
    const lines = readFileSync(log, "utf8").split("\n");
    const args = lines.filter((line) => line.startsWith("arg=")).map((line) => line.slice(4));
    assert.equal(args, ["bootstrap", "aws://111111111111/eu-west-1", "--qualifier", "team03", "--toolkit-stack-name", "Toolkit3", "--no-notices"]);
    assert.ok(lines.includes(`AWS_ACCESS_KEY_ID=${state.user.accessKeyId}`));
    assert.ok(lines.includes(`AWS_SECRET_ACCESS_KEY=${state.user.secretAccessKey}`));
    assert.ok(lines.includes("AWS_REGION=eu-west-1"));
    assert.not.ok(lines.some((line) => line.startsWith("AWS_PROFILE=")));
    assert.not.ok(lines.includes(`cwd=${dir}`), "the CLI must not run in the project, where it would synthesize the app");
    assert.not.ok(lines.includes(`HOME=${isolated.home}`), "the CLI must not read ~/.cdk.json");
    assert.ok(lines.includes(`AWS_CONFIG_FILE=${isolated.configFile}`), "the AWS config file stays the same");

    const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
    assert.equal([target.fix.attempted, target.fix.exitCode, target.fix.recheck], [true, 0, "fail"]);
    assert.is(target.fix.command, "cdk bootstrap aws://111111111111/eu-west-1 --qualifier team03 --toolkit-stack-name Toolkit3 --no-notices");
    assert.is(bootstrap.status, "fail", "a run that bootstrapped nothing must not pass");
    assert.not.match(JSON.stringify(bootstrap), state.user.secretAccessKey);
  } finally {
    isolated.cleanup();
  }
});

fix("failed fix is reported with its output", async (state) => {
  const { dir, log } = fakeCdkProject(state, {});
  const isolated = isolatedEnv(state, "eu-west-1", { FAKE_CDK_LOG: log, FAKE_CDK_EXIT: "3" });
  try {
    const { bootstrap } = await runBootstrapCheck({ cwd: dir, env: isolated.env, fix: true });
    const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
    assert.is(target.fix.exitCode, 3);
    assert.is(target.fix.reason, "cdk bootstrap failed with exit code 3: fake cdk ran");
    assert.ok((target.findings as Array<{ state: string }>).some((finding) => finding.state === "fix-failed"));
    assert.is(bootstrap.status, "fail");
  } finally {
    isolated.cleanup();
  }
});

fix("never setting does not run the fix", async (state) => {
  const { dir, log } = fakeCdkProject(state, { bootstrap: { fix: "never" } });
  const isolated = isolatedEnv(state, "eu-west-1", { FAKE_CDK_LOG: log });
  try {
    const { bootstrap } = await runBootstrapCheck({ cwd: dir, env: isolated.env });
    const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
    assert.equal([target.fix.attempted, target.fix.reason], [false, 'bootstrap.fix is "never"']);
    assert.ok(bootstrap.guidance.some((line) => line.includes('It did not run now because bootstrap.fix is "never"')), bootstrap.guidance.join("\n"));
  } finally {
    isolated.cleanup();
  }
});

fix("real CDK CLI bootstraps moto, then the check passes", async (state) => {
  // Bootstrapped in us-east-1 only, while the app deploys to eu-west-1.
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "us-east-1" });
  const dir = project(state, { config: OTHER_CHECKS_OFF, linkCdk: true }).dir;
  const isolated = isolatedEnv(state, "eu-west-1");
  // The CDK CLI would fail on this unknown profile if it read ~/.cdk.json.
  writeFileSync(path.join(isolated.home, ".cdk.json"), JSON.stringify({ profile: "no-such-profile" }));
  try {
    const result = await execa(process.execPath, [CLI, "check", "--fix", "--json"], { cwd: dir, env: isolated.env, extendEnv: false, reject: false, stdin: "ignore", timeout: 120_000 });
    assert.is(result.exitCode, 0, result.stderr);
    const report = parseReport(result.stdout) as { checks: Array<Record<string, any>> };
    const bootstrap = report.checks.find((check) => check.id === "bootstrap")!;
    assert.is(bootstrap.status, "pass", bootstrap.summary);
    assert.match(bootstrap.summary, "aws://111111111111/eu-west-1: bootstrapped at version 34");
    assert.match(bootstrap.summary, "bootstrapped by this run");
    const target = bootstrap.data.targets[0];
    assert.equal([target.fix.attempted, target.fix.exitCode, target.fix.recheck, target.versionFound], [true, 0, "pass", 34]);
    assert.match(result.stderr, `sst-preflight: running cdk bootstrap aws://111111111111/eu-west-1 --no-notices (${path.join(dir, "node_modules", ".bin", "cdk")})`);
    assert.match(result.stderr, "Environment aws://111111111111/eu-west-1 bootstrapped");
    assert.not.match(result.stdout + result.stderr, state.user.secretAccessKey);

    const ssm = new SSMClient(seedClientConfig(state.moto, { region: "eu-west-1", credentials: { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey } }));
    const parameter = await ssm.send(new GetParameterCommand({ Name: "/cdk-bootstrap/hnb659fds/version" }));
    ssm.destroy();
    assert.is(parameter.Parameter?.Value, "34");
  } finally {
    isolated.cleanup();
  }
});

/** Runs the built CLI in a real terminal (tmux), waits for the question and types `answer`. */
async function checkOnTerminal(state: State, region: string, answer: string): Promise<{ output: string; exitCode: number }> {
  const dir = project(state, { config: OTHER_CHECKS_OFF, linkCdk: true }).dir;
  const isolated = isolatedEnv(state, region);
  const terminal = await openTerminal(process.execPath, [CLI, "check", "--no-color"], { cwd: dir, env: isolated.env, columns: 200 });
  try {
    await terminal.waitFor(`Run "npx cdk bootstrap aws://111111111111/${region}" now? [y/N]`);
    await terminal.type(answer, true);
    const exitCode = await terminal.exitCode(120_000);
    // Everything the command wrote, because the CDK output scrolls the start off the screen.
    return { output: terminal.raw().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ""), exitCode };
  } finally {
    await terminal.close();
    isolated.cleanup();
  }
}

fix("terminal prompt runs the fix after yes", async (state) => {
  const result = await checkOnTerminal(state, "eu-west-2", "y");
  assert.match(result.output, "Environment aws://111111111111/eu-west-2 bootstrapped");
  assert.match(result.output, "✔ bootstrap");
  assert.is(result.exitCode, 0, result.output);
});

fix("terminal prompt leaves it after no", async (state) => {
  const result = await checkOnTerminal(state, "eu-west-3", "n");
  assert.not.match(result.output, "running cdk bootstrap");
  assert.match(result.output, 'It did not run now because the answer was "n"');
  assert.is(result.exitCode, 1, result.output);
});

fix.run();
