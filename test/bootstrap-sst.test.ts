// SST's own bootstrap in moto: the /sst/bootstrap parameter and state bucket of SST v3,
// the /sst/bootstrap/* parameters of SST v1, and the bucket of SST v2's SSTBootstrap stack.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeIsolatedEnv } from "./harness/env.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createBucket, createStack, createUser, putParameter, type SeededUser } from "./harness/seed.js";
import type { ToolName } from "../plugin/config/schema.js";
import { bootstrapTemplate, createToolkitStack, makeProject, runBootstrapCheck, targetsOf, type Project } from "./fixtures/bootstrap/helpers.js";

const ACCOUNT = "111111111111";

interface State {
  moto: MotoServer;
  user: SeededUser;
  project: Project;
}

const sst = suite<State>("SST bootstrap");

sst.before(async (state) => {
  state.moto = await startMoto();
  state.project = makeProject();
  await bootstrapTemplate();
});

sst.before.each(async (state) => {
  await state.moto.reset();
  state.user = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY, { account: ACCOUNT });
});

sst.after(async (state) => {
  state.project?.cleanup();
  await state.moto?.stop();
});

async function check(state: State, tool: ToolName, appConfig?: Record<string, unknown>) {
  const isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, AWS_REGION: "eu-west-1" },
  });
  try {
    const { bootstrap } = await runBootstrapCheck({ cwd: state.project.dir, env: isolated.env, tool, ...(appConfig ? { appConfig } : {}) });
    return { bootstrap, target: targetsOf(bootstrap)["aws://111111111111/eu-west-1"]! };
  } finally {
    isolated.cleanup();
  }
}

const seedOptions = { account: ACCOUNT, region: "eu-west-1" };

sst("SST v3 bootstrap with its state bucket passes", async (state) => {
  await createBucket(state.moto, "sst-state-abc123", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap", JSON.stringify({ version: 2, asset: "sst-asset-abc123", state: "sst-state-abc123" }), seedOptions);
  const { bootstrap, target } = await check(state, "sst-v3");
  assert.is(bootstrap.status, "pass", bootstrap.summary);
  assert.is(target.toolkit, null, "SST v3 does not use the CDK toolkit");
  assert.equal(target.sst, { parameter: "/sst/bootstrap", version: 2, stateBucket: "sst-state-abc123" });
});

sst("SST v3 missing state bucket fails", async (state) => {
  await putParameter(state.moto, "/sst/bootstrap", JSON.stringify({ version: 2, asset: "sst-asset-abc123", state: "sst-state-gone" }), seedOptions);
  const { bootstrap } = await check(state, "sst-v3");
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "the state bucket named by /sst/bootstrap, sst-state-gone, does not exist");
  assert.match(bootstrap.guidance.join("\n"), "aws ssm delete-parameter --name /sst/bootstrap --region eu-west-1");
});

sst("SST v3 invalid parameter fails", async (state) => {
  await putParameter(state.moto, "/sst/bootstrap", "{version: 2", seedOptions);
  const { bootstrap } = await check(state, "sst-v3");
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "/sst/bootstrap in eu-west-1 is not valid JSON");
});

sst("SST v3 without bootstrap passes with a note", async (state) => {
  const { bootstrap } = await check(state, "sst-v3");
  assert.is(bootstrap.status, "pass");
  assert.match(bootstrap.summary, "/sst/bootstrap does not exist yet; SST creates it on the first deploy");
});

sst("SST v1 other version warns", async (state) => {
  await createToolkitStack(state.moto, seedOptions);
  await createBucket(state.moto, "sst-bootstrap-bucket", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/version", "2", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/stack-name", "SSTBootstrap", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/bucket-name", "sst-bootstrap-bucket", seedOptions);
  const { bootstrap, target } = await check(state, "sst-v1");
  assert.is(bootstrap.status, "warn", bootstrap.summary);
  assert.match(bootstrap.summary, "/sst/bootstrap/version is 2, SST 1.18 expects 3");
  assert.is(target.versionFound, 34, "the CDK toolkit is checked too");
});

sst("SST v1 missing bucket fails", async (state) => {
  await createToolkitStack(state.moto, seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/version", "3", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/stack-name", "SSTBootstrap", seedOptions);
  await putParameter(state.moto, "/sst/bootstrap/bucket-name", "sst-bucket-gone", seedOptions);
  const { bootstrap } = await check(state, "sst-v1");
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "sst-bucket-gone, does not exist");
  assert.ok(bootstrap.guidance.includes("1. aws cloudformation delete-stack --stack-name SSTBootstrap --region eu-west-1"), bootstrap.guidance.join("\n"));
});

sst("SST v2 stack without its bucket fails", async (state) => {
  await createToolkitStack(state.moto, seedOptions);
  await createStack(state.moto, "eu-west-1", "SSTBootstrap", { Resources: {}, Outputs: { Version: { Value: "7.4" }, BucketName: { Value: "sst-v2-bucket-gone" } } }, { account: ACCOUNT });
  const { bootstrap, target } = await check(state, "sst-v2", { name: "site" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "the bucket of stack SSTBootstrap, sst-v2-bucket-gone, does not exist");
  assert.equal([target.sst.version, target.sst.bucket, target.sst.stackStatus], ["7.4", "sst-v2-bucket-gone", "CREATE_COMPLETE"]);
});

sst("SST v2 custom bootstrap stack name", async (state) => {
  await createToolkitStack(state.moto, seedOptions);
  await createStack(state.moto, "eu-west-1", "TeamBootstrap", {
    Resources: { Bucket: { Type: "AWS::S3::Bucket" } },
    Outputs: { Version: { Value: "7.4" }, BucketName: { Value: { Ref: "Bucket" } } },
  }, { account: ACCOUNT });
  const { bootstrap, target } = await check(state, "sst-v2", { name: "site", bootstrap: { stackName: "TeamBootstrap" } });
  assert.is(bootstrap.status, "pass", bootstrap.summary);
  assert.is(target.sst.stackName, "TeamBootstrap");
  assert.is(target.sst.version, "7.4");
});

sst.run();
