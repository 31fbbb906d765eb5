// End to end with the real sst@2 CLI: preflight() in sst.config.ts checks the
// stage's service role and returns it to SST as cdk.cloudFormationExecutionRole.
// PREFLIGHT_PRINT_CONFIG=1 makes the SST process print the config it received.
import { execa } from "execa";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createRole, createUser, type SeededUser } from "./harness/seed.js";
import { makeSstApp, type SstApp } from "./harness/sst-app.js";

const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
const CONFIG_PREFIX = "sst-preflight config: ";

interface State {
  moto: MotoServer;
  stub: IamStub;
  isolated: IsolatedEnv;
  user: SeededUser;
  apps: SstApp[];
}

const e2e = suite<State>("sst deploy with a service role");

e2e.before(async (state) => {
  state.apps = [];
  state.moto = await startMoto({ accountId: ACCOUNT });
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { decisions: { "iam:PassRole": "allowed" } } });
  state.user = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY);
  await createRole(state.moto, "cfn-deployer", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  // With IAM enforcement on, the identity is the user itself, which IAM can simulate.
  await state.moto.enableAuth();
  state.isolated = makeIsolatedEnv({
    endpoint: state.stub.url,
    vars: { AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, PREFLIGHT_PRINT_CONFIG: "1" },
  });
});

e2e.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
  state.isolated?.cleanup();
  for (const app of state.apps ?? []) app.cleanup();
});

/** An app whose config() returns `appFields`, guarded by preflight() with `options`. */
function makeApp(state: State, appFields: string, options: string): SstApp {
  const app = makeSstApp({
    config: [
      'import type { SSTConfig } from "sst";',
      'import { preflight } from "sst-preflight";',
      "export default {",
      `  config: preflight((_input) => ({ name: "role-app", region: "us-east-1", ${appFields} }), ${options}),`,
      "  stacks() {},",
      "} satisfies SSTConfig;",
      "",
    ].join("\n"),
  });
  state.apps.push(app);
  return app;
}

async function sstDeploy(state: State, app: SstApp, args: string[] = []) {
  const result = await execa(path.join(app.dir, "node_modules", ".bin", "sst"), ["deploy", "--stage", "prod", ...args], {
    cwd: app.dir,
    env: state.isolated.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: 120_000,
  });
  const line = result.stderr.split("\n").find((entry) => entry.startsWith(CONFIG_PREFIX));
  const config = line ? (JSON.parse(line.slice(CONFIG_PREFIX.length)) as Record<string, any>) : undefined;
  return { ...result, config, output: `${result.stdout}\n${result.stderr}` };
}

const checksOff = 'checks: { bootstrap: "off", permissions: "off" }';

e2e("SST receives cloudFormationExecutionRole", async (state) => {
  state.stub.clearCalls();
  const app = makeApp(state, 'cdk: { qualifier: "hnb659fds" }', `{ stages: { prod: { roleArn: "${ROLE}" } }, ${checksOff} }`);
  const result = await sstDeploy(state, app);
  assert.match(result.stderr, "✔ service role", result.output);
  assert.ok(result.config, `no "${CONFIG_PREFIX}" line:\n${result.output}`);
  assert.is(result.config?.cdk?.cloudFormationExecutionRole, ROLE);
  // The app's own cdk settings survive the merge.
  assert.is(result.config?.cdk?.qualifier, "hnb659fds");
  assert.is(result.config?.name, "role-app");
  const simulated = state.stub.callsTo("SimulatePrincipalPolicy").map((call) => call.parameters["PolicySourceArn"]);
  assert.equal(simulated, [state.user.arn]);
});

e2e("failing role never reaches SST", async (state) => {
  const missing = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
  const app = makeApp(state, "", `{ stages: { prod: { roleArn: "${missing}" } }, ${checksOff} }`);
  const result = await sstDeploy(state, app);
  assert.is(result.exitCode, 1, result.output);
  assert.match(result.stderr, `the service role ${missing} does not exist`);
  assert.match(result.stderr, "sst-preflight stopped `sst deploy`");
  assert.is(result.config, undefined, "no config may be returned to SST");
});

e2e("role setting in config() warns", async (state) => {
  const app = makeApp(state, `role: "${ROLE}"`, `{ ${checksOff} }`);
  const result = await sstDeploy(state, app);
  assert.match(result.stderr, "⚠ service role", result.output);
  assert.match(result.stderr, "role in the config() of sst.config.ts is not a CloudFormation service role");
  assert.is(result.config?.cdk, undefined);
});

e2e.run();
