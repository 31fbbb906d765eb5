// Counts the IAM requests of the permissions check against the IAM stub: they grow
// with the distinct actions divided by the batch size, not with the stacks or the
// resources of the cloud assembly.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { credentialsHook } from "../hooks/credentials/index.js";
import { permissionsHook } from "../hooks/permissions/index.js";
import { SIMULATION_BATCH_SIZE } from "../hooks/permissions/simulate.js";
import { runSession } from "../plugin/runner/session.js";
import { applyEnv, makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub, type StubCall } from "./harness/iam-stub.js";
import { MOTO_DEFAULT_ACCOUNT_ID, startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createUser, type SeededUser } from "./harness/seed.js";

const REGION = "us-east-1";
const RESOURCE_TYPES = ["AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::IAM::Role", "AWS::SQS::Queue"];
// Services with typical actions in the catalog, so each adds several distinct actions.
const MANY_SERVICES = [
  "lambda", "dynamodb", "apigateway", "s3", "sqs", "sns", "events", "states", "cognito-idp", "cognito-identity", "appsync",
  "rds", "ec2", "ecr", "ecs", "kms", "secretsmanager", "ssm", "kinesis", "firehose", "cloudwatch", "scheduler",
];

interface State {
  moto: MotoServer;
  stub: IamStub;
  isolated: IsolatedEnv;
  user: SeededUser;
  dirs: string[];
}

const requests = suite<State>("permission check requests");

requests.before(async (state) => {
  state.dirs = [];
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  state.user = await createUser(state.moto, "counter", ALLOW_ALL_POLICY);
  await state.moto.enableAuth();
  state.isolated = makeIsolatedEnv({ endpoint: state.stub.url });
});

requests.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.isolated?.cleanup();
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true });
});

/** Writes a CDK project whose cdk.out has `stacks` stacks of `resourcesPerStack` resources each. */
function assemblyProject(state: State, stacks: number, resourcesPerStack: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-requests-"));
  state.dirs.push(dir);
  mkdirSync(path.join(dir, "cdk.out"));
  writeFileSync(path.join(dir, "cdk.json"), JSON.stringify({ app: "node app.mjs" }));
  const artifacts: Record<string, unknown> = {};
  for (let stack = 0; stack < stacks; stack++) {
    const name = `App${stack}`;
    const resources: Record<string, { Type: string }> = {};
    for (let index = 0; index < resourcesPerStack; index++) resources[`Resource${index}`] = { Type: RESOURCE_TYPES[index % RESOURCE_TYPES.length]! };
    writeFileSync(path.join(dir, "cdk.out", `${name}.template.json`), JSON.stringify({ Resources: resources }));
    artifacts[name] = { type: "aws:cloudformation:stack", environment: `aws://${MOTO_DEFAULT_ACCOUNT_ID}/${REGION}`, properties: { templateFile: `${name}.template.json` } };
  }
  writeFileSync(path.join(dir, "cdk.out", "manifest.json"), JSON.stringify({ version: "36.0.0", artifacts }));
  return dir;
}

async function countRequests(state: State, dir: string, permissions: Record<string, unknown>) {
  state.stub.clearCalls();
  const restore = applyEnv({ ...state.isolated.env, AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, AWS_REGION: REGION });
  try {
    const session = await runSession({
      cwd: dir,
      env: process.env,
      command: "deploy",
      toolArgs: [],
      flags: { stage: "dev", noColor: true },
      inlineConfig: { permissions },
      hooks: [credentialsHook, permissionsHook],
      writeHuman: () => {},
      stdinIsTTY: false,
    });
    const result = session.results.find((entry) => entry.id === "permissions")!;
    assert.is(result.status, "pass", result.summary);
  } finally {
    restore();
  }
  const iamCalls = state.stub.calls.filter((call) => call.service === "iam");
  const simulations = state.stub.callsTo("SimulatePrincipalPolicy");
  return { iam: iamCalls.length, simulations };
}

const actionNames = (call: StubCall) => Object.entries(call.parameters).filter(([key]) => key.startsWith("ActionNames.member.")).map(([, value]) => value);
const resourceKey = (call: StubCall) => Object.entries(call.parameters).filter(([key]) => key.startsWith("ResourceArns.member.")).map(([, value]) => value).sort().join(" ");

requests("same requests for 1 or 40 stacks", async (state) => {
  const small = await countRequests(state, assemblyProject(state, 1, 4), { strategy: "services" });
  const large = await countRequests(state, assemblyProject(state, 40, 60), { strategy: "services" });
  assert.is(large.iam, small.iam, `1 stack: ${small.iam} IAM requests; 40 stacks of 60 resources: ${large.iam}`);
  assert.equal(large.simulations.map(actionNames), small.simulations.map(actionNames));
});

requests("service-role stacks share one request", async (state) => {
  const permissions = { strategy: "service-role" };
  const withRole = (dir: string) => {
    writeFileSync(path.join(dir, "preflight.config.json"), JSON.stringify({ stages: { dev: { roleArn: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT_ID}:role/cfn-deployer` } } }));
    return dir;
  };
  const small = await countRequests(state, withRole(assemblyProject(state, 1, 4)), permissions);
  const large = await countRequests(state, withRole(assemblyProject(state, 40, 60)), permissions);
  assert.is(large.iam, small.iam);
  // The 40 stack ARNs travel as the ResourceArns of one request.
  const stackCall = large.simulations.find((call) => resourceKey(call).includes("stack/App39/"));
  assert.ok(stackCall);
  assert.is(resourceKey(stackCall!).split(" ").length, 40);
});

requests("requests grow with distinct actions per batch", async (state) => {
  const dir = assemblyProject(state, 0, 0);
  const rows: Array<{ services: number; anyResourceActions: number; anyResourceRequests: number; other: number }> = [];
  for (const count of [1, 6, 12, MANY_SERVICES.length]) {
    const { iam, simulations } = await countRequests(state, dir, { strategy: "services", services: MANY_SERVICES.slice(0, count) });
    for (const call of simulations) assert.ok(actionNames(call).length <= SIMULATION_BATCH_SIZE);
    // Requests without ResourceArns simulate "*": the services' actions.
    const anyResource = simulations.filter((call) => resourceKey(call) === "");
    const distinct = new Set(anyResource.flatMap(actionNames)).size;
    assert.is(anyResource.length, Math.ceil(distinct / SIMULATION_BATCH_SIZE), `${distinct} distinct actions`);
    rows.push({ services: count, anyResourceActions: distinct, anyResourceRequests: anyResource.length, other: iam - anyResource.length });
  }
  // Everything else (the bootstrap's resources) costs the same whatever the services.
  assert.equal(new Set(rows.map((row) => row.other)).size, 1, JSON.stringify(rows));
  assert.ok(rows.at(-1)!.anyResourceRequests > rows[0]!.anyResourceRequests, JSON.stringify(rows));
  if (process.env.SHOW_OUTPUT === "1") console.table(rows);
});

requests.run();
