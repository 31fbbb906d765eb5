// End to end with the real aws-cdk CLI against moto: `sst-preflight cdk deploy` on
// an app with LegacyStackSynthesizer checks the stage's service role, adds
// --role-arn, and CloudFormation records that role on the stack.
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { execa } from "execa";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createRole, createUser, type SeededUser } from "./harness/seed.js";
import { REPO_ROOT } from "./harness/sst-app.js";

const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
const LAMBDA_ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-only`;
const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "cdk-legacy-app");
const STACK = "PreflightLegacy";

interface State {
  moto: MotoServer;
  stub: IamStub;
  isolated: IsolatedEnv;
  user: SeededUser;
  dirs: string[];
}

const e2e = suite<State>("cdk deploy with a service role");

e2e.before(async (state) => {
  state.dirs = [];
  state.moto = await startMoto({ accountId: ACCOUNT });
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { decisions: { "iam:PassRole": "allowed" } } });
  state.user = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY);
  await createRole(state.moto, "cfn-deployer", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  await createRole(state.moto, "lambda-only", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  await state.moto.enableAuth();
  state.isolated = makeIsolatedEnv({
    endpoint: state.stub.url,
    vars: { AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, AWS_REGION: REGION },
  });
});

e2e.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.isolated?.cleanup();
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true });
});

/** Copies the fixture app to a temporary folder with this repository's node_modules and a stage config. */
function makeApp(state: State, roleArn: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-cdk-legacy-"));
  state.dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  const config = { stages: { prod: { roleArn } }, checks: { bootstrap: "off", permissions: "off" } };
  writeFileSync(path.join(dir, "preflight.config.json"), JSON.stringify(config));
  return dir;
}

async function deploy(state: State, dir: string) {
  await state.moto.startRecording();
  const result = await execa(process.execPath, [CLI, "cdk", "deploy", "--require-approval", "never", "--no-notices", "-c", "stage=prod"], {
    cwd: dir,
    env: state.isolated.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: 120_000,
  });
  await state.moto.stopRecording();
  const requests = await state.moto.recording();
  return { ...result, requests, output: `${result.stdout}\n${result.stderr}` };
}

async function describeStack(state: State) {
  const client = new CloudFormationClient({
    endpoint: state.moto.url,
    region: REGION,
    credentials: { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const output = await client.send(new DescribeStacksCommand({ StackName: STACK }));
    return output.Stacks?.[0];
  } finally {
    client.destroy();
  }
}

e2e("failing role stops cdk before CloudFormation", async (state) => {
  const result = await deploy(state, makeApp(state, LAMBDA_ROLE));
  assert.is(result.exitCode, 1, result.output);
  assert.match(result.stderr, "does not trust cloudformation.amazonaws.com");
  assert.match(result.stderr, "stopped `cdk deploy --require-approval never");
  const cloudFormation = result.requests.filter((request) => request.service === "cloudformation");
  assert.is(cloudFormation.length, 0, "no CloudFormation request may reach the emulator");
});

e2e("stack RoleARN is the stage's role", async (state) => {
  const result = await deploy(state, makeApp(state, ROLE));
  assert.is(result.exitCode, 0, result.output);
  assert.match(result.stderr, "✔ service role");
  assert.match(result.stderr, `--role-arn ${ROLE} was added to the cdk command`);
  const stack = await describeStack(state);
  assert.is(stack?.StackStatus, "CREATE_COMPLETE", result.output);
  assert.is(stack?.RoleARN, ROLE);
  // The CDK CLI sent the role itself: moto records it from the change set request.
  const changeSets = result.requests.filter((request) => request.action === "CreateChangeSet");
  assert.ok(changeSets.length > 0, result.output);
  assert.ok(changeSets.every((request) => new URLSearchParams(request.body).get("RoleARN") === ROLE));
  // The caller passes the role with LegacyStackSynthesizer, so the caller was simulated.
  const simulated = state.stub.callsTo("SimulatePrincipalPolicy").map((call) => call.parameters["PolicySourceArn"]);
  assert.ok(simulated.includes(state.user.arn), JSON.stringify(simulated));
});

e2e.run();
