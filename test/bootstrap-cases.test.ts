// Bootstrap states set up in moto (toolkit stacks from the real template of the
// installed CDK CLI, SSM parameters, buckets, change sets), checked in-process with the
// credentials and bootstrap hooks. States moto cannot reach come from a loopback stub.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CloudFormationClient, CreateChangeSetCommand, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { DeleteRoleCommand, DeleteRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { DeleteParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { makeIsolatedEnv } from "./harness/env.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { ALLOW_ALL_POLICY, createBucket, createStack, createUser, putParameter, seedClientConfig, type SeededUser } from "./harness/seed.js";
import { bootstrapTemplate, createToolkitStack, EDGE_APP_ASSEMBLY, makeProject, runBootstrapCheck, targetsOf, type Project } from "./fixtures/bootstrap/helpers.js";
import { startStatusStub } from "./fixtures/bootstrap/status-stub.js";

const ACCOUNT = "111111111111";

interface State {
  moto: MotoServer;
  user: SeededUser;
  projects: Project[];
}

const cases = suite<State>("bootstrap cases");

cases.before(async (state) => {
  state.moto = await startMoto();
  state.projects = [];
  await bootstrapTemplate();
});

cases.before.each(async (state) => {
  await state.moto.reset();
  state.user = await createUser(state.moto, "deployer", ALLOW_ALL_POLICY, { account: ACCOUNT });
});

cases.after(async (state) => {
  for (const project of state.projects) project.cleanup();
  await state.moto?.stop();
});

function project(state: State, options: Parameters<typeof makeProject>[0] = {}): Project {
  const created = makeProject(options);
  state.projects.push(created);
  return created;
}

/** Runs the check as `user` against `endpoint` (moto unless a stub sits in front of it). */
async function check(state: State, options: { cwd: string; region: string; endpoint?: string } & Omit<Parameters<typeof runBootstrapCheck>[0], "cwd" | "env">) {
  const isolated = makeIsolatedEnv({
    endpoint: options.endpoint ?? state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: state.user.accessKeyId, AWS_SECRET_ACCESS_KEY: state.user.secretAccessKey, AWS_REGION: options.region },
  });
  try {
    const { region: _region, endpoint: _endpoint, ...rest } = options;
    return await runBootstrapCheck({ ...rest, env: isolated.env });
  } finally {
    isolated.cleanup();
  }
}

cases("missing bootstrap in the deploy region fails", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "us-east-1" });
  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail", bootstrap.summary);
  assert.match(bootstrap.summary, "aws://111111111111/eu-west-1: not bootstrapped");
  assert.ok(bootstrap.guidance.includes("npx cdk bootstrap aws://111111111111/eu-west-1"), bootstrap.guidance.join("\n"));
  const targets = targetsOf(bootstrap);
  assert.equal(Object.keys(targets), ["aws://111111111111/eu-west-1"], "us-east-1 is not a target of this app");
  assert.is(targets["aws://111111111111/eu-west-1"]!.state, "missing");
  assert.is(targets["aws://111111111111/eu-west-1"]!.fix.reason, "no one can answer a question here: stdin is not a terminal, or CI is set");
});

cases("bootstrap command carries non-default names", async (state) => {
  const dir = project(state, { config: { bootstrap: { qualifier: "team02" } }, cdkJson: { toolkitStackName: "Toolkit2" } }).dir;
  const { bootstrap } = await check(state, { cwd: dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.ok(
    bootstrap.guidance.includes("npx cdk bootstrap aws://111111111111/eu-west-1 --qualifier team02 --toolkit-stack-name Toolkit2"),
    bootstrap.guidance.join("\n"),
  );
  assert.match(bootstrap.summary, "/cdk-bootstrap/team02/version");
});

cases("rollback complete stack names the orphan bucket", async (state) => {
  // moto cannot produce ROLLBACK_COMPLETE. Creating the stack over an existing bucket
  // fails at once, and DescribeStacks then returns HTTP 500 for the stack.
  await createBucket(state.moto, `cdk-hnb659fds-assets-${ACCOUNT}-eu-north-1`, { account: ACCOUNT, region: "eu-north-1" });
  const cloudFormation = new CloudFormationClient(seedClientConfig(state.moto, { region: "eu-north-1", credentials: { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey } }));
  const attempt = await cloudFormation
    .send(new CreateStackCommand({ StackName: "CDKToolkit", TemplateBody: await bootstrapTemplate(), Capabilities: ["CAPABILITY_NAMED_IAM"] }))
    .then(() => "created", (error: Error) => error.name);
  cloudFormation.destroy();
  assert.is.not(attempt, "created", "moto created the stack over an existing bucket");
  const broken = await check(state, { cwd: project(state).dir, region: "eu-north-1" });
  assert.is(broken.bootstrap.status, "unknown", "an unreadable DescribeStacks answer is unknown, never a pass");
  assert.match(broken.bootstrap.summary, "cloudformation:DescribeStacks");

  // So the stub returns this one DescribeStacks response. The orphan bucket is real.
  await createBucket(state.moto, `cdk-hnb659fds-assets-${ACCOUNT}-eu-west-2`, { account: ACCOUNT, region: "eu-west-2" });
  const stub = await startStatusStub(state.moto.url, [{ region: "eu-west-2", stackName: "CDKToolkit", account: ACCOUNT, status: "ROLLBACK_COMPLETE", parameters: { Qualifier: "hnb659fds" } }]);
  try {
    const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-2", endpoint: stub.url, fix: true });
    assert.equal(stub.served, ["eu-west-2/CDKToolkit"]);
    assert.is(bootstrap.status, "fail");
    assert.match(bootstrap.summary, "stack CDKToolkit is in ROLLBACK_COMPLETE");
    assert.match(bootstrap.details.join("\n"), `cdk-hnb659fds-assets-${ACCOUNT}-eu-west-2`);
    const steps = bootstrap.guidance.join("\n");
    const [bucket, remove, rebuild] = [`aws s3 rb s3://cdk-hnb659fds-assets-${ACCOUNT}-eu-west-2 --force`, "aws cloudformation delete-stack --stack-name CDKToolkit --region eu-west-2", "npx cdk bootstrap aws://111111111111/eu-west-2"].map((step) => steps.indexOf(step));
    assert.ok(bucket! >= 0, steps);
    assert.ok(bucket! < remove!, "the bucket goes before the stack");
    assert.ok(remove! < rebuild!, "the stack goes before the new bootstrap");
    assert.is(targetsOf(bootstrap)["aws://111111111111/eu-west-2"]!.fix, null, "--fix never deletes a stack or bucket");
  } finally {
    await stub.stop();
  }
});

cases("review in progress stack from an unexecuted change set", async (state) => {
  const cloudFormation = new CloudFormationClient(seedClientConfig(state.moto, { region: "ca-central-1", credentials: { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey } }));
  await cloudFormation.send(
    new CreateChangeSetCommand({ StackName: "CDKToolkit", ChangeSetName: "cdk-deploy-change-set", ChangeSetType: "CREATE", TemplateBody: await bootstrapTemplate(), Capabilities: ["CAPABILITY_NAMED_IAM"] }),
  );
  cloudFormation.destroy();
  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "ca-central-1", fix: true });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "REVIEW_IN_PROGRESS");
  assert.is(bootstrap.guidance[0], "1. aws cloudformation delete-stack --stack-name CDKToolkit --region ca-central-1");
  assert.ok(bootstrap.guidance.includes("3. npx cdk bootstrap aws://111111111111/ca-central-1"), bootstrap.guidance.join("\n"));
  assert.is(targetsOf(bootstrap)["aws://111111111111/ca-central-1"]!.fix, null);
});

cases("old version fails against the cloud assembly", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", version: 5 });
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "us-east-1" });
  const { bootstrap } = await check(state, { cwd: project(state, { assembly: EDGE_APP_ASSEMBLY }).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "bootstrap version 5 is too old: 6 is required by stack dev-site-Web in cdk.out/manifest.json", `${bootstrap.summary}\n${bootstrap.details.join("\n")}`);
  const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
  assert.equal([target.versionFound, target.versionRequired, target.requiredBy], [5, 6, "stack dev-site-Web in cdk.out/manifest.json"]);
  assert.ok(bootstrap.guidance.includes("Update the bootstrap: npx cdk bootstrap aws://111111111111/eu-west-1"), bootstrap.guidance.join("\n"));
});

cases("SST v2 needs bootstrap version 14", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", version: 13 });
  const { bootstrap } = await check(state, { cwd: project(state, { tool: "sst-v2" }).dir, region: "eu-west-1", tool: "sst-v2", stage: "dev", appConfig: { name: "site" } });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "bootstrap version 13 is too old: 14 is required by SST v2");
  const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
  assert.equal([target.versionFound, target.versionRequired, target.toolkit.stackVersion], [13, 14, 13]);
});

cases("configured minimum version wins when highest", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  const { bootstrap } = await check(state, { cwd: project(state, { config: { bootstrap: { minVersion: 99 } } }).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "99 is required by bootstrap.minVersion in");
});

cases("qualifier mismatch names both qualifiers", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", qualifier: "team01" });
  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "qualifier mismatch: the app uses hnb659fds (from the CDK default), but this environment is bootstrapped with team01");
  assert.match(bootstrap.guidance.join("\n"), '"@aws-cdk/core:bootstrapQualifier" in the context of cdk.json');
  assert.is(targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!.state, "qualifier-mismatch");

  const sst = await check(state, { cwd: project(state, { tool: "sst-v2" }).dir, region: "eu-west-1", tool: "sst-v2", appConfig: { name: "site" } });
  assert.match(sst.bootstrap.guidance.join("\n"), "set the app's qualifier to team01 with cdk.qualifier in sst.config.ts");

  const fixed = await check(state, { cwd: project(state, { cdkJson: { context: { "@aws-cdk/core:bootstrapQualifier": "team01" } } }).dir, region: "eu-west-1" });
  assert.is(fixed.bootstrap.status, "pass", fixed.bootstrap.summary);
});

cases("custom toolkit stack name is the one described", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", stackName: "ToolkitProd" });
  await state.moto.startRecording();
  const { bootstrap } = await check(state, {
    cwd: project(state, { tool: "sst-v2" }).dir,
    region: "eu-west-1",
    tool: "sst-v2",
    appConfig: { name: "site", cdk: { toolkitStackName: "ToolkitProd" } },
  });
  await state.moto.stopRecording();
  assert.is(bootstrap.status, "pass", `${bootstrap.summary}\n${bootstrap.details.join("\n")}`);
  const described = (await state.moto.recording())
    .filter((request) => request.action === "DescribeStacks")
    .map((request) => new URLSearchParams(request.body).get("StackName"));
  assert.ok(described.includes("ToolkitProd"), described.join(", "));
  assert.not.ok(described.includes("CDKToolkit"), "CDKToolkit must not be described");
  assert.equal(bootstrap.data?.toolkitStackName, { value: "ToolkitProd", source: "cdk.toolkitStackName in sst.config.ts" });
});

cases("SST v2 bootstrap stack version 7.3 warns", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  await createStack(state.moto, "eu-west-1", "SSTBootstrap", {
    Resources: { Bucket: { Type: "AWS::S3::Bucket" } },
    Outputs: { Version: { Value: "7.3" }, BucketName: { Value: { Ref: "Bucket" } } },
  }, { account: ACCOUNT });
  const { bootstrap } = await check(state, { cwd: project(state, { tool: "sst-v2" }).dir, region: "eu-west-1", tool: "sst-v2", appConfig: { name: "site" } });
  assert.is(bootstrap.status, "warn", bootstrap.summary);
  assert.match(bootstrap.summary, "stack SSTBootstrap is version 7.3, SST expects 7.4");
  assert.match(bootstrap.summary, "SST updates it itself");
});

cases("SST v2 bootstrap stack being updated fails", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  // moto finishes an update within the request, so UPDATE_IN_PROGRESS comes from the stub.
  const stub = await startStatusStub(state.moto.url, [{ region: "eu-west-1", stackName: "SSTBootstrap", account: ACCOUNT, status: "UPDATE_IN_PROGRESS", outputs: { Version: "7.4", BucketName: "sst-bucket" } }]);
  try {
    const { bootstrap } = await check(state, { cwd: project(state, { tool: "sst-v2" }).dir, region: "eu-west-1", endpoint: stub.url, tool: "sst-v2", appConfig: { name: "site" } });
    assert.equal(stub.served, ["eu-west-1/SSTBootstrap"]);
    assert.is(bootstrap.status, "fail");
    assert.match(bootstrap.summary, "stack SSTBootstrap is in UPDATE_IN_PROGRESS");
    assert.ok(bootstrap.guidance.some((line) => line.includes("aws cloudformation wait stack-update-complete --stack-name SSTBootstrap --region eu-west-1")), bootstrap.guidance.join("\n"));
  } finally {
    await stub.stop();
  }
});

cases("edge function adds us-east-1 and reports both", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  const dir = project(state, { assembly: EDGE_APP_ASSEMBLY }).dir;
  const first = await check(state, { cwd: dir, region: "eu-west-1" });
  assert.is(first.bootstrap.status, "fail");
  assert.match(first.bootstrap.summary, "aws://111111111111/us-east-1: not bootstrapped");
  let targets = targetsOf(first.bootstrap);
  assert.equal(Object.keys(targets).sort(), ["aws://111111111111/eu-west-1", "aws://111111111111/us-east-1"]);
  assert.is(targets["aws://111111111111/eu-west-1"]!.status, "pass");
  assert.ok((targets["aws://111111111111/us-east-1"]!.reasons as string[]).some((reason) => reason.includes("Lambda@Edge")));

  await createToolkitStack(state.moto, { account: ACCOUNT, region: "us-east-1" });
  const second = await check(state, { cwd: dir, region: "eu-west-1" });
  assert.is(second.bootstrap.status, "pass", second.bootstrap.summary);
  assert.match(second.bootstrap.summary, "2 environments bootstrapped");
  targets = targetsOf(second.bootstrap);
  assert.is(targets["aws://111111111111/us-east-1"]!.versionFound, 34);
});

cases("configured extra region is checked", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  const { bootstrap } = await check(state, { cwd: project(state, { config: { bootstrap: { regions: ["us-east-1"] } } }).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  const target = targetsOf(bootstrap)["aws://111111111111/us-east-1"]!;
  assert.is(target.state, "missing");
  assert.match((target.reasons as string[])[0]!, "bootstrap.regions in");
});

cases("invalid version parameter is named", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  await putParameter(state.moto, "/cdk-bootstrap/hnb659fds/version", "not-a-number", { account: ACCOUNT, region: "eu-west-1" });
  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, '/cdk-bootstrap/hnb659fds/version holds "not-a-number"');
});

cases("deleted bucket and role are named", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  const credentials = { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey };
  const s3 = new S3Client({ ...seedClientConfig(state.moto, { region: "eu-west-1", credentials }), forcePathStyle: true });
  await s3.send(new DeleteBucketCommand({ Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-eu-west-1` }));
  s3.destroy();
  const iam = new IAMClient(seedClientConfig(state.moto, { credentials }));
  const role = `cdk-hnb659fds-image-publishing-role-${ACCOUNT}-eu-west-1`;
  for (const name of (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? []) {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: name }));
  }
  await iam.send(new DeleteRoleCommand({ RoleName: role }));
  iam.destroy();

  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-1", fix: true });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, `bucket cdk-hnb659fds-assets-${ACCOUNT}-eu-west-1`);
  assert.match(bootstrap.summary, `role ${role}`);
  assert.match(bootstrap.summary, "deleted outside CloudFormation");
  assert.is(bootstrap.guidance[0], "1. aws cloudformation delete-stack --stack-name CDKToolkit --region eu-west-1");
  const target = targetsOf(bootstrap)["aws://111111111111/eu-west-1"]!;
  assert.equal(target.toolkit.missingRoles, [role]);
  assert.is(target.toolkit.bucketExists, false);
  assert.is(target.fix, null, "a bootstrap run does not bring deleted resources back");
});

cases("deleted version parameter is named", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1" });
  const ssm = new SSMClient(seedClientConfig(state.moto, { region: "eu-west-1", credentials: { accessKeyId: state.user.accessKeyId, secretAccessKey: state.user.secretAccessKey } }));
  await ssm.send(new DeleteParameterCommand({ Name: "/cdk-bootstrap/hnb659fds/version" }));
  ssm.destroy();
  const { bootstrap } = await check(state, { cwd: project(state).dir, region: "eu-west-1" });
  assert.is(bootstrap.status, "fail");
  assert.match(bootstrap.summary, "stack CDKToolkit exists but its version parameter /cdk-bootstrap/hnb659fds/version was deleted");
  assert.ok(bootstrap.guidance.includes("Put it back: aws ssm put-parameter --name /cdk-bootstrap/hnb659fds/version --type String --value 34 --region eu-west-1"), bootstrap.guidance.join("\n"));
});

cases("toolkit under another stack name", async (state) => {
  await createToolkitStack(state.moto, { account: ACCOUNT, region: "eu-west-1", stackName: "LegacyToolkit" });
  const cdk = await check(state, { cwd: project(state).dir, region: "eu-west-1" });
  assert.is(cdk.bootstrap.status, "warn", "CDK deploys read only the version parameter");
  assert.match(cdk.bootstrap.summary, "/cdk-bootstrap/hnb659fds/version exists but stack CDKToolkit (from the CDK default) does not");

  const sst = await check(state, { cwd: project(state, { tool: "sst-v2" }).dir, region: "eu-west-1", tool: "sst-v2", appConfig: { name: "site" } });
  assert.is(sst.bootstrap.status, "fail", "SST v2 looks the toolkit stack up by name");
  assert.is(targetsOf(sst.bootstrap)["aws://111111111111/eu-west-1"]!.state, "stack-missing");
});

cases("wrong account for the stage is not read", async (state) => {
  const dir = project(state, { config: { stages: { prod: { accounts: ["222222222222"] } } } }).dir;
  await state.moto.startRecording();
  const { bootstrap } = await check(state, { cwd: dir, region: "eu-west-1", stage: "prod", fix: true });
  await state.moto.stopRecording();
  assert.is(bootstrap.status, "skip");
  assert.match(bootstrap.summary, "account 111111111111 is not allowed for this stage");
  const services = (await state.moto.recording()).map((request) => request.service);
  assert.equal(services, ["sts"], "only GetCallerIdentity may reach AWS");
});

cases.run();
