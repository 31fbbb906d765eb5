// The permissions check, run in-process through runSession with the real credentials
// hook: moto with IAM enforcement on for identities, and the IAM stub (which proxies to
// moto) for iam:SimulatePrincipalPolicy, which moto lacks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { accountHook } from "../hooks/account/index.js";
import { credentialsHook } from "../hooks/credentials/index.js";
import { permissionsHook } from "../hooks/permissions/index.js";
import type { WrittenPolicy } from "../hooks/permissions/policy-writer.js";
import { runSession } from "../plugin/runner/session.js";
import { applyEnv, makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub, type SimulationRule } from "./harness/iam-stub.js";
import { MOTO_DEFAULT_ACCOUNT_ID, startMoto, type MotoServer } from "./harness/moto.js";
import { createRole, createUser, type SeededUser } from "./harness/seed.js";

// Set SHOW_OUTPUT=1 to see each run's report.
const SHOW_OUTPUT = process.env.SHOW_OUTPUT === "1";
const ACCOUNT = MOTO_DEFAULT_ACCOUNT_ID;
const REGION = "us-east-1";

interface State {
  moto: MotoServer;
  stub: IamStub;
  viaStub: IsolatedEnv;
  viaRole: IsolatedEnv;
  deployer: SeededUser;
  dirs: string[];
}

const check = suite<State>("permissions check");

check.before(async (state) => {
  state.dirs = [];
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url });
  // The user of the "missing service" case: its policy allows exactly these services.
  state.deployer = await createUser(state.moto, "deployer", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["cloudformation:*", "lambda:*", "dynamodb:*", "iam:*", "logs:*"], Resource: "*" }],
  });
  const base = await createUser(state.moto, "base", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "iam:GetRole"], Resource: "*" }],
  });
  await createRole(
    state.moto,
    "bounded",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: base.arn }, Action: "sts:AssumeRole" }] },
    { path: "/team/ci/", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:*", "sts:*"], Resource: "*" }] } },
  );
  await state.moto.enableAuth();
  state.viaStub = makeIsolatedEnv({ endpoint: state.stub.url });
  state.viaRole = makeIsolatedEnv({
    endpoint: state.stub.url,
    files: {
      config: `[profile bounded]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/team/ci/bounded\nsource_profile = base\nregion = ${REGION}\n`,
      credentials: `[base]\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n`,
    },
  });
});

check.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.viaStub?.cleanup();
  state.viaRole?.cleanup();
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true });
});

check.before.each((state) => {
  state.stub.configure({ simulation: { defaultDecision: "allowed" }, accessDenied: false, throttle: { count: 0 } });
  state.stub.clearCalls();
});

function project(state: State, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-permissions-"));
  state.dirs.push(dir);
  const all = { "cdk.json": JSON.stringify({ app: "node app.mjs" }), ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

interface RunOptions {
  dir?: string;
  env?: Record<string, string>;
  user?: SeededUser;
  config?: Record<string, unknown>;
}

async function runCheck(state: State, options: RunOptions = {}) {
  // A run with its own environment (a profile) uses no keys unless a user is given.
  const user = options.user ?? (options.env ? undefined : state.deployer);
  const keys = user ? { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey } : {};
  const restore = applyEnv({ ...(options.env ?? state.viaStub.env), ...keys, AWS_REGION: REGION });
  let output = "";
  try {
    const session = await runSession({
      cwd: options.dir ?? project(state),
      env: process.env,
      command: "deploy",
      toolArgs: [],
      flags: { stage: "dev", noColor: true },
      ...(options.config ? { inlineConfig: options.config } : {}),
      hooks: [credentialsHook, accountHook, permissionsHook],
      writeHuman: (text) => {
        output += text;
      },
      stdinIsTTY: false,
    });
    const result = session.results.find((entry) => entry.id === "permissions");
    if (!result) throw new Error(`no permissions result:\n${output}`);
    if (SHOW_OUTPUT) process.stderr.write(output);
    const text = [result.summary, ...result.details, ...result.guidance].join("\n");
    return { result, results: session.results, blocked: session.blocked, output, text };
  } finally {
    restore();
  }
}

const simulateCalls = (state: State) => state.stub.callsTo("SimulatePrincipalPolicy");
const simulatedActions = (state: State) => simulateCalls(state).flatMap((call) => Object.entries(call.parameters).filter(([key]) => key.startsWith("ActionNames.member.")).map(([, value]) => value));
const missingPolicyOf = (result: { data?: Record<string, unknown> }) => result.data?.missingPolicy as WrittenPolicy;

// The decisions IAM makes for a policy that allows exactly these services.
const allowOnly = (patterns: string[]): Record<string, SimulationRule> => Object.fromEntries(patterns.map((pattern) => [pattern, "allowed" as const]));

check("missing services fail with the exact policy", async (state) => {
  const granted = ["cloudformation:*", "lambda:*", "dynamodb:*", "iam:*", "logs:*"];
  state.stub.configure({ simulation: { decisions: allowOnly(granted), defaultDecision: "implicitDeny" } });
  const config = { permissions: { strategy: "services", services: ["lambda", "dynamodb", "apigateway"], customDomain: true } };
  const run = await runCheck(state, { config });

  assert.is(run.result.status, "fail", run.output);
  assert.ok(run.blocked);
  for (const service of ["acm", "apigateway", "cloudfront", "route53"]) assert.match(run.result.summary, service);
  assert.match(run.text, "denied apigateway: DELETE, GET, PATCH, POST, PUT: no policy allows it");
  assert.match(run.text, /denied acm: .*RequestCertificate/);
  assert.not.match(run.text, "denied lambda");
  assert.not.match(run.text, "denied dynamodb");
  assert.match(run.text, "aws iam attach-user-policy --user-name deployer");
  assert.match(run.text, `policy/sst-preflight-dev`);

  const missing = missingPolicyOf(run.result);
  const bySid = new Map(missing.Statement.map((statement) => [statement.Sid, statement]));
  assert.equal(bySid.get("ManageApiGateway")?.Action, "apigateway:*");
  assert.equal(bySid.get("ManageCustomDomain")?.Action, ["acm:*", "cloudfront:*", "route53:*"]);
  assert.ok(bySid.has("UseCdkAssetBucket"), "the bootstrap's asset bucket is part of every deploy");
  const grantedActions = missing.Statement.flatMap((statement) => [statement.Action].flat());
  for (const pattern of granted) assert.not.ok(grantedActions.includes(pattern), `${pattern} is already allowed`);

  // Attaching the printed policy must be enough: the same check then passes.
  state.stub.configure({ simulation: { decisions: allowOnly([...granted, ...grantedActions]), defaultDecision: "implicitDeny" } });
  const fixed = await runCheck(state, { config });
  assert.is(fixed.result.status, "pass", fixed.output);
});

check("boundary denial is named, not a missing allow", async (state) => {
  const byBoundary: SimulationRule = {
    decision: "implicitDeny",
    allowedByPermissionsBoundary: false,
    matchedStatements: [{ sourcePolicyId: "bounded-policy", sourcePolicyType: "role" }],
  };
  state.stub.configure({
    simulation: {
      decisions: { "iam:*": byBoundary, "sts:*": byBoundary, "s3:*": "allowed", "cloudformation:*": "allowed" },
      defaultDecision: { decision: "implicitDeny", allowedByPermissionsBoundary: false },
    },
  });
  const run = await runCheck(state, { env: { ...state.viaRole.env, AWS_PROFILE: "bounded" }, config: { permissions: { strategy: "services", services: [] } } });

  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, /\d+ denied by the permissions boundary, not by a missing allow/);
  assert.match(run.text, /denied iam: .*CreateRole.*: the permissions boundary does not allow it\n/);
  assert.not.match(run.text, /denied iam: .*no policy allows it/);
  assert.match(run.text, /denied logs: .*: the permissions boundary does not allow it; no policy allows it/);
  assert.match(run.text, "must allow these too; an identity policy alone does not help");
  // The identity policy to attach grants only what no policy allows, not the iam:* the role already has.
  const missing = JSON.stringify(missingPolicyOf(run.result));
  assert.match(missing, "logs:*");
  assert.not.match(missing, "iam:*");
  assert.match(JSON.stringify(run.result.data?.boundaryPolicy), "iam:*");
  // The session ARN has no path; the simulated role ARN must have it.
  const principals = new Set(simulateCalls(state).map((call) => call.parameters["PolicySourceArn"]));
  assert.equal([...principals], [`arn:aws:iam::${ACCOUNT}:role/team/ci/bounded`]);
  assert.match(run.text, "aws iam attach-role-policy --role-name bounded");
});

check("denied simulation is unknown and others run", async (state) => {
  const env = makeIsolatedEnv({ endpoint: state.moto.url });
  const noSimulation = await createUserWithAuthOff(state, "no-simulation", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cloudformation:*", "s3:*"], Resource: "*" }] });
  await state.moto.startRecording();
  try {
    const run = await runCheck(state, { env: env.env, user: noSimulation });
    assert.is(run.result.status, "unknown", run.output);
    assert.match(run.result.summary, "iam:SimulatePrincipalPolicy was denied");
    assert.match(run.text, `Allow the caller iam:SimulatePrincipalPolicy on ${noSimulation.arn}`);
    assert.match(run.text, "permissions.fallback");
    assert.is(run.results.find((entry) => entry.id === "credentials")?.status, "pass");
    assert.is(run.results.find((entry) => entry.id === "account")?.status, "pass");
    assert.not.ok(run.blocked, "an unknown does not block by default");
    // Once the simulation is denied, the remaining groups are not sent.
    const simulations = (await state.moto.recording()).filter((request) => request.action === "SimulatePrincipalPolicy");
    assert.is(simulations.length, 1);
  } finally {
    await state.moto.stopRecording();
    env.cleanup();
  }
});

check("fallback reads own policies and never passes", async (state) => {
  const env = makeIsolatedEnv({ endpoint: state.moto.url });
  const reads = { Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:*"], Resource: "*" };
  const reader = await createUserWithAuthOff(state, "reader", { Version: "2012-10-17", Statement: [reads, { Effect: "Allow", Action: ["cloudformation:*", "ssm:GetParameter*", "s3:*"], Resource: "*" }] });
  try {
    const run = await runCheck(state, { env: env.env, user: reader, config: { permissions: { fallback: true } } });
    assert.is(run.result.status, "warn", run.output);
    assert.match(run.result.summary, "organization policies (SCPs)");
    assert.match(run.text, "inline policy reader-policy of user reader");
    assert.is(run.result.data?.fallback, true);
  } finally {
    env.cleanup();
  }
});

check("fallback leaves conditional allows unknown", async (state) => {
  const env = makeIsolatedEnv({ endpoint: state.moto.url });
  const reads = { Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:*"], Resource: "*" };
  const onlyInEu = { Sid: "OnlyEu", Effect: "Allow", Action: ["cloudformation:*", "ssm:*", "s3:*"], Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } };
  const user = await createUserWithAuthOff(state, "conditional", { Version: "2012-10-17", Statement: [reads, onlyInEu] });
  try {
    const run = await runCheck(state, { env: env.env, user, config: { permissions: { fallback: true } } });
    assert.is(run.result.status, "unknown", run.output);
    assert.match(run.text, "conditions or policy variables were not evaluated (inline policy conditional-policy of user conditional, statement OnlyEu)");
    assert.match(run.text, "Check the conditional statements named above by hand");
  } finally {
    env.cleanup();
  }
});

check("fallback finds deny in group and managed policy", async (state) => {
  const env = makeIsolatedEnv({ endpoint: state.moto.url });
  const reads = { Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:*"], Resource: "*" };
  const user = await createUserWithAuthOff(state, "grouped", { Version: "2012-10-17", Statement: [reads] });
  await state.moto.disableAuth();
  try {
    const { IAMClient, CreateGroupCommand, PutGroupPolicyCommand, AddUserToGroupCommand, CreatePolicyCommand, AttachUserPolicyCommand } = await import("@aws-sdk/client-iam");
    const { seedClientConfig } = await import("./harness/seed.js");
    const iam = new IAMClient(seedClientConfig(state.moto));
    await iam.send(new CreateGroupCommand({ GroupName: "deployers" }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: "deployers", PolicyName: "stacks", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cloudformation:*", "ssm:GetParameter*", "s3:*"], Resource: "*" }] }) }));
    await iam.send(new AddUserToGroupCommand({ GroupName: "deployers", UserName: "grouped" }));
    const denyUploads = await iam.send(new CreatePolicyCommand({ PolicyName: "no-uploads", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:PutObject", Resource: "*" }] }) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: "grouped", PolicyArn: denyUploads.Policy!.Arn! }));
    iam.destroy();
  } finally {
    await state.moto.enableAuth();
  }
  try {
    const run = await runCheck(state, { env: env.env, user, config: { permissions: { fallback: true } } });
    assert.is(run.result.status, "fail", run.output);
    assert.match(run.text, "denied s3: PutObject: an explicit Deny statement denies it");
    assert.not.match(run.text, "denied cloudformation");
    assert.match(run.text, "inline policy stacks of group deployers");
    assert.match(run.text, "managed policy arn:aws:iam::123456789012:policy/no-uploads");
  } finally {
    env.cleanup();
  }
});

check("throttled simulation is retried, then passes", async (state) => {
  state.stub.configure({ throttle: { count: 3, actions: ["SimulatePrincipalPolicy"] } });
  const run = await runCheck(state);
  assert.is(run.result.status, "pass", run.output);
  const codes = simulateCalls(state).map((call) => call.errorCode ?? "ok");
  assert.equal(codes.slice(0, 3), ["Throttling", "Throttling", "Throttling"]);
  assert.ok(codes.filter((code) => code === "ok").length >= 1);
});

check("throttling past the budget is unknown", async (state) => {
  state.stub.configure({ throttle: { count: 10_000, actions: ["SimulatePrincipalPolicy"] } });
  const began = Date.now();
  const run = await runCheck(state, { config: { timeoutSeconds: 6 } });
  const elapsedMs = Date.now() - began;
  assert.is(run.result.status, "unknown", run.output);
  assert.match(run.result.summary, "not checked");
  assert.match(run.text, "Rate exceeded");
  assert.ok(simulateCalls(state).length > 1, "the throttled call was retried");
  assert.ok(elapsedMs < 6_000, `the check ended within the run's budget (took ${elapsedMs} ms)`);
});

check("default strategy checks the bootstrap only", async (state) => {
  const run = await runCheck(state);
  assert.is(run.result.status, "pass", run.output);
  assert.match(run.text, "strategy: baseline (no permissions.strategy configured)");
  assert.match(run.text, "only the bootstrap access");
  const actions = new Set(simulatedActions(state));
  assert.ok(actions.has("sts:AssumeRole"));
  assert.ok(actions.has("ssm:GetParameter"));
  assert.not.ok(actions.has("lambda:CreateFunction"));
  assert.ok(simulateCalls(state).length <= 4, `${simulateCalls(state).length} calls`);
});

check("strategy none skips the check", async (state) => {
  const run = await runCheck(state, { config: { permissions: { strategy: "none" } } });
  assert.is(run.result.status, "skip");
  assert.is(simulateCalls(state).length, 0);
});

check("service-role strategy simulates PassRole on the role", async (state) => {
  const role = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
  state.stub.configure({ simulation: { decisions: { "iam:PassRole": "implicitDeny" }, defaultDecision: "allowed" } });
  const run = await runCheck(state, { config: { permissions: { strategy: "service-role" }, stages: { dev: { roleArn: role } } } });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.text, "denied iam: PassRole: no policy allows it");
  const passRole = simulateCalls(state).find((call) => Object.values(call.parameters).includes("iam:PassRole"));
  assert.is(passRole?.parameters["ResourceArns.member.1"], role);
  assert.is(passRole?.parameters["ContextEntries.member.1.ContextKeyName"], "iam:PassedToService");
  assert.is(passRole?.parameters["ContextEntries.member.1.ContextKeyValues.member.1"], "cloudformation.amazonaws.com");
  assert.match(JSON.stringify(missingPolicyOf(run.result)), role);
});

check("service-role strategy without a role fails", async (state) => {
  const run = await runCheck(state, { config: { permissions: { strategy: "service-role" } } });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "roleArn");
  assert.is(simulateCalls(state).length, 0);
});

check("policy-file strategy checks its statements", async (state) => {
  const policy = { Version: "2012-10-17", Statement: [{ Sid: "Queues", Effect: "Allow", Action: ["sqs:CreateQueue", "sqs:DeleteQueue"], Resource: "arn:aws:sqs:us-east-1:123456789012:app-*" }] };
  const dir = project(state, { "policies/deployer.json": JSON.stringify(policy, null, 2) });
  state.stub.configure({ simulation: { decisions: { "sqs:DeleteQueue": "explicitDeny" }, defaultDecision: "allowed" } });
  const run = await runCheck(state, { dir, config: { permissions: { strategy: "policy-file", policyFile: "policies/deployer.json" } } });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.text, "denied sqs: DeleteQueue: an explicit Deny statement denies it");
  const queues = simulateCalls(state).find((call) => Object.values(call.parameters).includes("sqs:CreateQueue"));
  assert.is(queues?.parameters["ResourceArns.member.1"], "arn:aws:sqs:us-east-1:123456789012:app-*");
});

check("broken policy file names file and line", async (state) => {
  const dir = project(state, { "deployer.json": '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "sqs:*" ,, }\n  ]\n}\n' });
  const run = await runCheck(state, { dir, config: { permissions: { strategy: "policy-file", policyFile: "deployer.json" } } });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, path.join(dir, "deployer.json"));
  assert.match(run.result.summary, "line 4");
});

// Creates a user while moto's auth is off, then turns auth on again.
async function createUserWithAuthOff(state: State, name: string, policy: Record<string, unknown>): Promise<SeededUser> {
  await state.moto.disableAuth();
  try {
    return await createUser(state.moto, name, policy);
  } finally {
    await state.moto.enableAuth();
  }
}

check.run();
