// The service-role check against moto (IAM enforcement on) and the IAM stub for
// iam:SimulatePrincipalPolicy, run in-process through runSession with the real
// credentials hook: which principal is simulated, each failure, and how the role
// is applied per tool.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { credentialsHook } from "../hooks/credentials/index.js";
import { serviceRoleHook } from "../hooks/service-role/index.js";
import type { ToolName } from "../plugin/config/schema.js";
import { runSession } from "../plugin/runner/session.js";
import { applyEnv, makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createRole, createUser, type SeededUser } from "./harness/seed.js";

// Set SHOW_OUTPUT=1 to see each run's report.
const SHOW_OUTPUT = process.env.SHOW_OUTPUT === "1";
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
const LAMBDA_ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-only`;
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`;
const CFN_EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;

interface State {
  moto: MotoServer;
  stub: IamStub;
  isolated: IsolatedEnv;
  admin: SeededUser;
  limited: SeededUser;
  dirs: string[];
}

const check = suite<State>("service role check");

check.before(async (state) => {
  state.dirs = [];
  state.moto = await startMoto({ accountId: ACCOUNT });
  state.stub = await startIamStub({ upstreamUrl: state.moto.url });
  state.admin = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY);
  // May deploy but may not read IAM roles.
  state.limited = await createUser(state.moto, "limited", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["sts:*", "cloudformation:*"], Resource: "*" }],
  });
  const cloudFormationTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  await createRole(state.moto, "cfn-deployer", cloudFormationTrust);
  await createRole(state.moto, "cfn-pathed", cloudFormationTrust, { path: "/team/" });
  await createRole(state.moto, "lambda-only", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  // The deploy role as the default bootstrap template makes it: it may pass only the cfn-exec role.
  await createRole(
    state.moto,
    `cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`,
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: state.admin.arn }, Action: "sts:AssumeRole" }] },
    {
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "DeployPermissions", Effect: "Allow", Action: ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"], Resource: "*" },
          { Action: "iam:PassRole", Resource: CFN_EXEC_ROLE, Effect: "Allow" },
        ],
      },
    },
  );
  await state.moto.enableAuth();
  state.isolated = makeIsolatedEnv({ endpoint: state.stub.url });
});

check.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.isolated?.cleanup();
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true });
});

check.before.each((state) => {
  state.stub.configure({ simulation: { decisions: { "iam:PassRole": "allowed" } }, accessDenied: false });
  state.stub.clearCalls();
});

function project(state: State, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-role-"));
  state.dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const stageConfig = (roleArn: string) => JSON.stringify({ stages: { prod: { roleArn } } });
const cdkProject = (state: State, roleArn = ROLE, app = "new App();\n") =>
  project(state, { "cdk.json": JSON.stringify({ app: "node app.mjs" }), "app.mjs": app, "preflight.config.json": stageConfig(roleArn) });
const sstV1Project = (state: State, roleArn = ROLE) =>
  project(state, { "sst.json": JSON.stringify({ name: "app", region: REGION }), "preflight.config.json": stageConfig(roleArn) });
const sstProject = (state: State, version: string, config = "export default { config() {}, stacks() {} };\n") =>
  project(state, { "sst.config.ts": config, "node_modules/sst/package.json": JSON.stringify({ name: "sst", version }) });

interface RunOptions {
  dir: string;
  user?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  tool?: ToolName;
  toolArgs?: string[];
  appConfig?: Record<string, unknown>;
  inlineConfig?: unknown;
}

async function runCheck(state: State, options: RunOptions) {
  const user: NonNullable<RunOptions["user"]> = options.user ?? state.admin;
  const restore = applyEnv({
    ...state.isolated.env,
    AWS_ACCESS_KEY_ID: user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    AWS_SESSION_TOKEN: user.sessionToken,
    AWS_REGION: REGION,
  });
  let output = "";
  try {
    const session = await runSession({
      cwd: options.dir,
      env: process.env,
      command: "deploy",
      toolArgs: options.toolArgs ?? [],
      flags: { stage: "prod", noColor: true, ...(options.tool ? { tool: options.tool } : {}) },
      ...(options.inlineConfig ? { inlineConfig: options.inlineConfig } : {}),
      ...(options.appConfig ? { appConfig: options.appConfig } : {}),
      hooks: [credentialsHook, serviceRoleHook],
      writeHuman: (text) => {
        output += text;
      },
      stdinIsTTY: false,
    });
    const result = session.results.find((entry) => entry.id === "serviceRole");
    if (!result) throw new Error(`no service role result:\n${output}`);
    if (SHOW_OUTPUT) process.stderr.write(output);
    return { result, changes: session.context.changes, blocked: session.blocked, output, text: [result.summary, ...result.details, ...result.guidance].join("\n") };
  } finally {
    restore();
  }
}

const simulatedPrincipals = (state: State) => state.stub.callsTo("SimulatePrincipalPolicy").map((call) => call.parameters["PolicySourceArn"]);

check("deploy role that cannot pass the role fails", async (state) => {
  state.stub.configure({ simulation: { decisions: { "iam:PassRole": "implicitDeny" } } });
  const run = await runCheck(state, { dir: cdkProject(state) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, DEPLOY_ROLE);
  assert.match(run.result.summary, ROLE);
  assert.match(run.text, `only on: ${CFN_EXEC_ROLE}`);
  assert.match(run.text, "--template bootstrap-template.yaml");
  assert.match(run.text, "--cloudformation-execution-policies");
  assert.equal(simulatedPrincipals(state), [DEPLOY_ROLE]);
  const call = state.stub.callsTo("SimulatePrincipalPolicy")[0]!;
  assert.is(call.parameters["ResourceArns.member.1"], ROLE);
  assert.is(call.parameters["ContextEntries.member.1.ContextKeyValues.member.1"], "cloudformation.amazonaws.com");
  assert.equal(run.changes.args, []);
  assert.ok(run.blocked);
});

check("deploy role policy decides without simulation", async (state) => {
  state.stub.configure({ accessDenied: { actions: ["SimulatePrincipalPolicy"] } });
  const run = await runCheck(state, { dir: cdkProject(state) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "no statement of its policies allows it");
  assert.match(run.text, "Decided from the role's own policies");
  assert.match(run.text, "Way 1");
  assert.equal(run.changes.args, []);
});

check("deploy role allowed to pass gets --role-arn", async (state) => {
  const run = await runCheck(state, { dir: cdkProject(state) });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(run.changes.args, ["--role-arn", ROLE]);
  assert.match(run.changes.notes.join("\n"), "--role-arn arn:aws:iam::111111111111:role/cfn-deployer was added to the cdk command");
});

check("legacy synthesizer simulates the caller", async (state) => {
  const run = await runCheck(state, { dir: cdkProject(state, ROLE, "new Stack(app, 'S', { synthesizer: new LegacyStackSynthesizer() });\n") });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(simulatedPrincipals(state), [state.admin.arn]);
  assert.equal(run.changes.args, ["--role-arn", ROLE]);
});

check("role that trusts only lambda fails", async (state) => {
  const run = await runCheck(state, { dir: cdkProject(state, LAMBDA_ROLE) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, LAMBDA_ROLE);
  assert.match(run.result.summary, "does not trust cloudformation.amazonaws.com");
  assert.match(run.result.summary, "trusts only lambda.amazonaws.com");
  assert.match(run.text, "aws iam update-assume-role-policy --role-name lambda-only");
  assert.equal(run.changes.args, []);
});

check("missing role fails naming the ARN", async (state) => {
  const missing = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
  const run = await runCheck(state, { dir: sstV1Project(state, missing) });
  assert.is(run.result.status, "fail", run.output);
  assert.is(run.result.summary, `the service role ${missing} does not exist`);
  assert.equal(run.changes.args, []);
  assert.match(run.changes.notes.join("\n"), "was not applied because it failed the checks");
});

check("denied GetRole is unknown, not a crash", async (state) => {
  const run = await runCheck(state, { dir: sstV1Project(state), user: state.limited });
  assert.is(run.result.status, "unknown", run.output);
  assert.match(run.result.summary, "iam:GetRole was denied");
  assert.match(run.text, `Allow iam:GetRole on ${ROLE}`);
  assert.not.match(run.text, "unexpected error");
});

check("denied simulation is unknown naming the action", async (state) => {
  state.stub.configure({ accessDenied: { actions: ["SimulatePrincipalPolicy"] } });
  const run = await runCheck(state, { dir: sstV1Project(state) });
  assert.is(run.result.status, "unknown", run.output);
  assert.match(run.result.summary, `could not check that your identity ${state.admin.arn} may pass ${ROLE}`);
  assert.match(run.text, "Allow iam:SimulatePrincipalPolicy for your identity");
  assert.equal(run.result.data?.neededActions, ["iam:SimulatePrincipalPolicy"]);
});

check("caller without PassRole fails with a statement", async (state) => {
  state.stub.configure({ simulation: { decisions: { "iam:PassRole": { decision: "implicitDeny", allowedByPermissionsBoundary: false } } } });
  const run = await runCheck(state, { dir: sstV1Project(state) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "permissions boundary");
  assert.match(run.text, '"Action":"iam:PassRole"');
  assert.equal(simulatedPrincipals(state), [state.admin.arn]);
});

check("SST v1 gets --role-arn once", async (state) => {
  const run = await runCheck(state, { dir: sstV1Project(state) });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(run.changes.args, ["--role-arn", ROLE]);
});

check("explicit -r on the cdk command line wins", async (state) => {
  const other = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer-2`;
  await createRole(state.moto, "cfn-deployer-2", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }, { credentials: { accessKeyId: state.admin.accessKeyId, secretAccessKey: state.admin.secretAccessKey } });
  const run = await runCheck(state, { dir: cdkProject(state), toolArgs: ["deploy", "-r", other] });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(run.changes.args, []);
  assert.match(run.changes.notes.join("\n"), `--role-arn on the cdk command line (${other}) wins over stages.prod.roleArn`);
  assert.equal(state.stub.callsTo("SimulatePrincipalPolicy").map((call) => call.parameters["ResourceArns.member.1"]), [other]);
});

check("role in another account fails before IAM calls", async (state) => {
  const foreign = "arn:aws:iam::222222222222:role/cfn-deployer";
  const run = await runCheck(state, { dir: sstV1Project(state, foreign) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "is in account 222222222222, but the deploy targets account 111111111111");
  assert.match(run.text, "--role-arn is not an assume-role");
  assert.is(state.stub.callsTo("GetRole").length, 0);
});

check("invalid ARN names the value and the field", async (state) => {
  const run = await runCheck(state, { dir: sstV1Project(state, "cfn-deployer") });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, /"cfn-deployer" from stages\.prod\.roleArn in \S+preflight\.config\.json is a role name, not an ARN/);
  assert.match(run.text, "arn:aws:iam::<account>:role/cfn-deployer");
});

check("ARN without the role's path fails", async (state) => {
  const run = await runCheck(state, { dir: sstV1Project(state, `arn:aws:iam::${ACCOUNT}:role/cfn-pathed`) });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, `exists as arn:aws:iam::${ACCOUNT}:role/team/cfn-pathed`);
});

check("SST v2 role setting warns", async (state) => {
  const dir = sstProject(state, "2.49.8");
  const run = await runCheck(state, { dir, tool: "sst-v2", appConfig: { name: "app", role: ROLE } });
  assert.is(run.result.status, "warn", run.output);
  assert.match(run.result.summary, "role in the config() of sst.config.ts is not a CloudFormation service role");
  assert.match(run.text, "cdk.cloudFormationExecutionRole");
  assert.match(run.text, "stages.prod.roleArn");

  const flag = await runCheck(state, { dir, tool: "sst-v2", appConfig: { name: "app" }, toolArgs: ["--stage", "prod", "--role", ROLE] });
  assert.is(flag.result.status, "warn", flag.output);
  assert.match(flag.result.summary, "--role on the sst command line");
});

check("SST v2 gets cloudFormationExecutionRole", async (state) => {
  const run = await runCheck(state, {
    dir: sstProject(state, "2.49.8"),
    tool: "sst-v2",
    appConfig: { name: "app", cdk: { qualifier: "abc" } },
    inlineConfig: { stages: { prod: { roleArn: ROLE } } },
  });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(run.changes.sstConfig, { cdk: { cloudFormationExecutionRole: ROLE } });
  assert.equal(run.changes.args, []);
  assert.equal(simulatedPrincipals(state), [state.admin.arn]);
});

check("SST v2 before 2.49.4 fails with the version", async (state) => {
  const run = await runCheck(state, {
    dir: sstProject(state, "2.45.0"),
    tool: "sst-v2",
    appConfig: { name: "app" },
    inlineConfig: { stages: { prod: { roleArn: ROLE } } },
  });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "sst 2.45.0 ignores cdk.cloudFormationExecutionRole");
  assert.match(run.text, "npm i -D sst@^2.49.4");
  assert.equal(run.changes.sstConfig, {});
});

check("SST v3 with a role fails and explains", async (state) => {
  const dir = sstProject(state, "3.2.0", "export default $config({ app() { return { name: 'app' }; }, async run() {} });\n");
  writeFileSync(path.join(dir, "preflight.config.json"), stageConfig(ROLE));
  const run = await runCheck(state, { dir });
  assert.is(run.result.status, "fail", run.output);
  assert.match(run.result.summary, "SST 3.2.0 deploys without CloudFormation");
  assert.match(run.text, /Remove roleArn for this stage from \S+preflight\.config\.json/);
  assert.equal(run.changes.args, []);
});

check("assumed role is simulated with its path", async (state) => {
  const admin = { accessKeyId: state.admin.accessKeyId, secretAccessKey: state.admin.secretAccessKey };
  const pathed = await createRole(
    state.moto,
    "ci-deployer",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: state.admin.arn }, Action: "sts:AssumeRole" }] },
    { path: "/team/ci/", policy: ALLOW_ALL_POLICY, credentials: admin },
  );
  const sts = new STSClient({ endpoint: state.moto.url, region: REGION, credentials: admin, maxAttempts: 1 });
  let session;
  try {
    session = await sts.send(new AssumeRoleCommand({ RoleArn: pathed.arn, RoleSessionName: "ci" }));
  } finally {
    sts.destroy();
  }
  const credentials = session.Credentials!;
  const run = await runCheck(state, {
    dir: sstV1Project(state),
    user: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! },
  });
  assert.is(run.result.status, "pass", run.output);
  assert.equal(simulatedPrincipals(state), [`arn:aws:iam::${ACCOUNT}:role/team/ci/ci-deployer`]);
});

check("SST v2 wrapper without preflight() warns", async (state) => {
  const plain = sstProject(state, "2.49.8");
  writeFileSync(path.join(plain, "preflight.config.json"), stageConfig(ROLE));
  const run = await runCheck(state, { dir: plain });
  assert.is(run.result.status, "warn", run.output);
  assert.match(run.result.summary, "The role is not applied");
  assert.equal(run.changes.args, []);

  const wrapped = sstProject(state, "2.49.8", 'import { preflight } from "sst-preflight";\nexport default { config: preflight(() => ({ name: "app" })), stacks() {} };\n');
  writeFileSync(path.join(wrapped, "preflight.config.json"), stageConfig(ROLE));
  const inside = await runCheck(state, { dir: wrapped });
  assert.is(inside.result.status, "pass", inside.output);
  assert.match(inside.changes.notes.join("\n"), "preflight() in sst.config.ts sets cdk.cloudFormationExecutionRole");
  assert.equal(inside.changes.args, []);
});

check.run();
