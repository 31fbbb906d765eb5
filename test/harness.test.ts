import { existsSync, readFileSync } from "node:fs";

import { CloudFormationClient, DescribeStacksCommand, DescribeTypeCommand } from "@aws-sdk/client-cloudformation";
import {
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  paginateSimulatePrincipalPolicy,
  type EvaluationResult,
} from "@aws-sdk/client-iam";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { suite } from "uvu";
import * as assert from "uvu/assert";

import { applyEnv, assertLoopbackUrl, makeIsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import {
  MOTO_INSTALL_COMMAND,
  decodeRecording,
  motoAvailable,
  startMoto,
  type MotoServer,
} from "./harness/moto.js";
import {
  ALLOW_ALL_POLICY,
  FAKE_ADMIN_CREDENTIALS,
  createBucket,
  createRole,
  createStack,
  createUser,
  putParameter,
} from "./harness/seed.js";

const REGION = "us-east-1";

/** SDK client settings for an emulator URL. One attempt, so errors surface without retries. */
function clientConfig(url: string, credentials: AwsCredentialIdentity = FAKE_ADMIN_CREDENTIALS, maxAttempts = 1) {
  return { endpoint: url, region: REGION, credentials, maxAttempts };
}

function keysOf(user: { accessKeyId: string; secretAccessKey: string }): AwsCredentialIdentity {
  return { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
}

interface SdkError extends Error {
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Awaits `promise` and returns the error it rejects with. Fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new assert.Assertion({
    message: "expected the call to fail, but it succeeded",
    operator: "rejects",
    expects: "an error",
    actual: "success",
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// moto_server

const moto = suite<{ server: MotoServer }>("moto", {} as { server: MotoServer });

moto.before(async (context) => {
  context.server = await startMoto();
});

moto.after(async (context) => {
  await context.server?.stop();
});

moto.after.each(async (context) => {
  await context.server.disableAuth();
});

moto("starts on loopback, serves STS", async ({ server }) => {
  assert.ok(motoAvailable());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.is(server.accountId, "123456789012");

  const sts = new STSClient(clientConfig(server.url));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.is(identity.Account, "123456789012");
});

moto("auth gives AccessDenied without policy", async ({ server }) => {
  const bob = await createUser(server, "bob-no-policy");
  const admin = await createUser(server, "admin-all", ALLOW_ALL_POLICY);
  await server.enableAuth();

  const asBob = new CloudFormationClient(clientConfig(server.url, keysOf(bob)));
  const denied = await rejectionOf(asBob.send(new DescribeStacksCommand({})));
  assert.is(denied.name, "AccessDenied");
  assert.is(denied.$metadata?.httpStatusCode, 403);
  assert.match(denied.message, /user\/bob-no-policy is not authorized to perform: cloudformation:DescribeStacks/);

  const asAdmin = new CloudFormationClient(clientConfig(server.url, keysOf(admin)));
  const stacks = await asAdmin.send(new DescribeStacksCommand({}));
  assert.ok(Array.isArray(stacks.Stacks));

  const unknownKey = new STSClient(clientConfig(server.url));
  const rejected = await rejectionOf(unknownKey.send(new GetCallerIdentityCommand({})));
  assert.is(rejected.name, "InvalidClientTokenId");

  const wrongSecret = new STSClient(
    clientConfig(server.url, { accessKeyId: admin.accessKeyId, secretAccessKey: "not-the-secret" }),
  );
  const badSignature = await rejectionOf(wrongSecret.send(new GetCallerIdentityCommand({})));
  assert.is(badSignature.name, "SignatureDoesNotMatch");
});

moto("disableAuth accepts fake keys again", async ({ server }) => {
  await server.enableAuth();
  await server.disableAuth();
  const sts = new STSClient(clientConfig(server.url));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.is(identity.Account, "123456789012");
});

moto("recording lists services and actions", async ({ server }) => {
  await putParameter(server, "/harness/recorded", "value");
  await server.startRecording();

  await new STSClient(clientConfig(server.url)).send(new GetCallerIdentityCommand({}));
  await new CloudFormationClient(clientConfig(server.url)).send(new DescribeStacksCommand({}));
  await new SSMClient(clientConfig(server.url)).send(new GetParameterCommand({ Name: "/harness/recorded" }));
  await server.stopRecording();
  await new STSClient(clientConfig(server.url)).send(new GetCallerIdentityCommand({}));

  const recorded = await server.recording();
  const calls = recorded.map((request) => `${request.service}:${request.action}`);
  assert.equal(calls, ["sts:GetCallerIdentity", "cloudformation:DescribeStacks", "ssm:GetParameter"]);

  const first = recorded[0];
  assert.ok(first);
  assert.is(first.method, "POST");
  assert.is(first.path, "/");
  assert.is(first.host, `127.0.0.1:${server.port}`);
  assert.is(first.region, REGION);
  assert.is(first.accessKeyId, FAKE_ADMIN_CREDENTIALS.accessKeyId);
  assert.match(first.body, /Action=GetCallerIdentity/);

  const ssmCall = recorded[2];
  assert.ok(ssmCall);
  assert.is(JSON.parse(ssmCall.body).Name, "/harness/recorded");
});

moto("startRecording clears the old log", async ({ server }) => {
  await server.startRecording();
  await new CloudFormationClient(clientConfig(server.url)).send(new DescribeStacksCommand({}));
  await server.startRecording();
  await new STSClient(clientConfig(server.url)).send(new GetCallerIdentityCommand({}));
  await server.stopRecording();

  const recorded = await server.recording();
  assert.is(recorded.length, 1);
  assert.not.ok(recorded.some((request) => request.service === "cloudformation"));
});

moto("seed account option uses other accounts", async ({ server }) => {
  const alice = await createUser(server, "alice", ALLOW_ALL_POLICY, { account: "111111111111" });
  assert.is(alice.arn, "arn:aws:iam::111111111111:user/alice");

  // Keys created in an account sign requests into that account without any header.
  const asAlice = new STSClient(clientConfig(server.url, keysOf(alice)));
  const identity = await asAlice.send(new GetCallerIdentityCommand({}));
  assert.is(identity.Account, "111111111111");

  const defaultAccount = new IAMClient(clientConfig(server.url));
  const missing = await rejectionOf(defaultAccount.send(new GetUserCommand({ UserName: "alice" })));
  assert.is(missing.name, "NoSuchEntityException");

  await putParameter(server, "/harness/other-account", "v2", { account: "222222222222" });
  const ssm = new SSMClient(clientConfig(server.url));
  const notHere = await rejectionOf(ssm.send(new GetParameterCommand({ Name: "/harness/other-account" })));
  assert.is(notHere.name, "ParameterNotFound");

  const role = await createRole(server, "deployer", { Version: "2012-10-17", Statement: [] }, {
    account: "222222222222",
    path: "/team/ci/",
  });
  assert.is(role.arn, "arn:aws:iam::222222222222:role/team/ci/deployer");
});

moto("seed creates stack, role and bucket", async ({ server }) => {
  const role = await createRole(
    server,
    "cfn-exec",
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
    },
    { policy: ALLOW_ALL_POLICY },
  );
  assert.is(role.arn, "arn:aws:iam::123456789012:role/cfn-exec");

  const template = {
    Resources: { Topic: { Type: "AWS::SNS::Topic" } },
    Outputs: { Answer: { Value: "42" } },
  };
  const stackId = await createStack(server, "eu-west-1", "HarnessStack", template, { roleArn: role.arn });
  assert.match(stackId, /^arn:aws:cloudformation:eu-west-1:123456789012:stack\/HarnessStack\//);

  const cloudFormation = new CloudFormationClient({ ...clientConfig(server.url), region: "eu-west-1" });
  const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: "HarnessStack" }));
  const stack = described.Stacks?.[0];
  assert.is(stack?.RoleARN, role.arn);
  assert.equal(stack?.Outputs?.map((output) => output.OutputValue), ["42"]);

  await createBucket(server, "harness-bucket", { region: "eu-west-1" });
  await server.startRecording();
  await createBucket(server, "harness-bucket-east");
  await server.stopRecording();
  const recorded = await server.recording();
  assert.is(recorded.length, 1);
  assert.is(recorded[0]?.service, "s3");
  assert.is(recorded[0]?.method, "PUT");
  assert.match(recorded[0]?.path ?? "", /^\/harness-bucket-east\/?$/);
});

moto("stop kills the process", async () => {
  const extra = await startMoto();
  assert.ok(isRunning(extra.pid));
  await extra.stop();
  assert.not.ok(isRunning(extra.pid));
  await extra.stop();
});

moto("missing moto_server gives install command", async () => {
  const restore = applyEnv({ ...process.env, PATH: "/nonexistent" });
  try {
    assert.not.ok(motoAvailable());
    const error = await rejectionOf(startMoto());
    assert.match(error.message, "moto_server NOT FOUND on PATH");
    assert.ok(error.message.includes(MOTO_INSTALL_COMMAND));
  } finally {
    restore();
  }
  assert.ok(motoAvailable());
});

moto.run();

// Recording decoder

const recordingFormat = suite("moto recording format");

recordingFormat("decodes base64 bodies and JSON targets", () => {
  const body = Buffer.from('{"Name":"/x"}').toString("base64");
  const line = JSON.stringify({
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AmazonSSM.GetParameter",
      Host: "127.0.0.1:5000",
      Authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-central-1/ssm/aws4_request, SignedHeaders=host, Signature=abc",
    },
    method: "POST",
    url: "http://127.0.0.1:5000/?x=1",
    body,
    body_encoded: true,
  });

  const [decoded] = decodeRecording(`${line}\n`);
  assert.ok(decoded);
  assert.is(decoded.action, "GetParameter");
  assert.is(decoded.service, "ssm");
  assert.is(decoded.region, "eu-central-1");
  assert.is(decoded.accessKeyId, "AKIDEXAMPLE");
  assert.is(decoded.body, '{"Name":"/x"}');
  assert.equal(decoded.query, { x: "1" });
  assert.is(decoded.host, "127.0.0.1:5000");
});

recordingFormat("reads actions from the query string", () => {
  const line = JSON.stringify({
    headers: {},
    method: "GET",
    url: "http://127.0.0.1:5000/?Action=ListUsers&Version=2010-05-08",
    body: "",
    body_encoded: false,
  });
  const [decoded] = decodeRecording(line);
  assert.is(decoded?.action, "ListUsers");
  assert.is(decoded?.service, undefined);
});

recordingFormat.run();

// Isolated environment

const environment = suite("isolated env");

environment("rejects endpoints off loopback", () => {
  const rejected = [
    "https://sts.amazonaws.com",
    "http://10.0.0.1:5000",
    "http://169.254.169.254",
    "http://localhost.example.com:5000",
    "http://[::2]:5000",
    "ftp://127.0.0.1:5000",
    "127.0.0.1:5000",
  ];
  for (const endpoint of rejected) {
    assert.throws(() => makeIsolatedEnv({ endpoint }), /loopback|http or https|not a valid URL/, endpoint);
  }
});

environment("accepts loopback endpoints", () => {
  for (const endpoint of ["http://127.0.0.1:5000", "https://127.8.9.10", "http://localhost:1", "http://[::1]:5000", "http://127.1:80"]) {
    assert.not.throws(() => assertLoopbackUrl(endpoint), endpoint);
  }
});

environment("rejects endpoint vars off loopback", () => {
  assert.throws(
    () => makeIsolatedEnv({ endpoint: "http://127.0.0.1:5000", vars: { AWS_ENDPOINT_URL_STS: "https://sts.amazonaws.com" } }),
    /AWS_ENDPOINT_URL_STS must point at a loopback host/,
  );
  assert.throws(
    () => makeIsolatedEnv({ endpoint: "http://127.0.0.1:5000", vars: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" } }),
    /AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must not be set/,
  );
  assert.throws(
    () =>
      makeIsolatedEnv({
        endpoint: "http://127.0.0.1:5000",
        files: { config: "[profile dev]\nregion = us-east-1\nendpoint_url = https://example.com\n" },
      }),
    /endpoint_url in the config file/,
  );
});

environment("drops inherited AWS, SST, CDK and CI", () => {
  const restore = applyEnv({
    ...process.env,
    AWS_PROFILE: "prod",
    AWS_ACCESS_KEY_ID: "AKIAREALLOOKING",
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    SST_STAGE: "prod",
    CDK_DEFAULT_ACCOUNT: "999999999999",
    CI: "true",
    GITHUB_ACTIONS: "true",
    HTTPS_PROXY: "http://proxy.example.com:3128",
  });
  let isolated;
  try {
    isolated = makeIsolatedEnv({ endpoint: "http://127.0.0.1:5000" });
  } finally {
    restore();
  }

  const { env } = isolated;
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "SST_STAGE", "CDK_DEFAULT_ACCOUNT", "CI", "GITHUB_ACTIONS", "HTTPS_PROXY", "TERM"]) {
    assert.is(env[name], undefined, name);
  }
  assert.is(env["PATH"], process.env["PATH"]);
  assert.is(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:5000");
  assert.is(env["AWS_EC2_METADATA_DISABLED"], "true");
  assert.is(env["SST_TELEMETRY_DISABLED"], "1");
  assert.is(env["CDK_DISABLE_CLI_TELEMETRY"], "true");
  assert.is(env["NO_COLOR"], "1");
  assert.is(env["HOME"], isolated.home);
  assert.is(env["AWS_CONFIG_FILE"], isolated.configFile);
  assert.is(env["AWS_SHARED_CREDENTIALS_FILE"], isolated.credentialsFile);
  assert.is(env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"], undefined);
  isolated.cleanup();
});

environment("writes files and applies vars", () => {
  const isolated = makeIsolatedEnv({
    endpoint: "http://127.0.0.1:5000",
    files: {
      config: "[profile dev]\nregion = eu-west-1\n",
      credentials: "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    },
    vars: { AWS_PROFILE: "dev", NO_COLOR: undefined, AWS_ENDPOINT_URL_STS: "http://localhost:5001" },
  });

  assert.is(readFileSync(isolated.configFile, "utf8"), "[profile dev]\nregion = eu-west-1\n");
  assert.match(readFileSync(isolated.credentialsFile, "utf8"), /aws_access_key_id = testing/);
  assert.ok(isolated.configFile.startsWith(`${isolated.home}/.aws/`));
  assert.is(isolated.env["AWS_PROFILE"], "dev");
  assert.is(isolated.env["NO_COLOR"], undefined);
  assert.is(isolated.env["AWS_ENDPOINT_URL_STS"], "http://localhost:5001");

  isolated.cleanup();
  assert.not.ok(existsSync(isolated.home));
  isolated.cleanup();
});

environment("omits files that are not given", () => {
  const isolated = makeIsolatedEnv({ endpoint: "http://127.0.0.1:5000" });
  assert.ok(existsSync(`${isolated.home}/.aws`));
  assert.not.ok(existsSync(isolated.configFile));
  assert.not.ok(existsSync(isolated.credentialsFile));
  isolated.cleanup();
});

environment("applyEnv replaces and restores", () => {
  const before = { ...process.env };
  const restore = applyEnv({ ONLY_THIS: "1" });
  assert.equal({ ...process.env }, { ONLY_THIS: "1" });
  restore();
  assert.equal({ ...process.env }, before);

  assert.throws(() => applyEnv({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }), /must not be set/);
  assert.equal({ ...process.env }, before);
});

environment.run();

// IAM stub

interface StubContext {
  server: MotoServer;
  stub: IamStub;
}

const stubSuite = suite<StubContext>("iam stub", {} as StubContext);

stubSuite.before(async (context) => {
  context.server = await startMoto();
  context.stub = await startIamStub({ upstreamUrl: context.server.url });
});

stubSuite.after(async (context) => {
  await context.stub?.stop();
  await context.server?.stop();
});

stubSuite.before.each(({ stub }) => {
  stub.configure({ simulation: {}, accessDenied: false, throttle: undefined, resourceTypes: {} });
  stub.clearCalls();
});

const PRINCIPAL = "arn:aws:iam::123456789012:role/deployer";

stubSuite("simulate pages through results", async ({ stub }) => {
  stub.configure({
    simulation: {
      decisions: {
        "cloudformation:*": "allowed",
        "cloudformation:DeleteStack": {
          decision: "explicitDeny",
          matchedStatements: [
            {
              sourcePolicyId: "deny-delete",
              sourcePolicyType: "role",
              startPosition: { line: 3, column: 5 },
              endPosition: { line: 7, column: 6 },
            },
          ],
        },
        "s3:*": { decision: "implicitDeny", allowedByPermissionsBoundary: false, allowedByOrganizations: true },
        "iam:PassRole": {
          decision: "allowed",
          missingContextValues: ["iam:PassedToService"],
          evalDecisionDetails: { "Permissions Boundary Policy": "allowed" },
        },
      },
      pageSize: 2,
    },
  });

  const iam = new IAMClient(clientConfig(stub.url));
  const actions = ["cloudformation:CreateStack", "cloudformation:DeleteStack", "s3:PutObject", "iam:PassRole", "ssm:GetParameter"];
  const results: EvaluationResult[] = [];
  for await (const page of paginateSimulatePrincipalPolicy(
    { client: iam, pageSize: 10 },
    { PolicySourceArn: PRINCIPAL, ActionNames: actions },
  )) {
    results.push(...(page.EvaluationResults ?? []));
  }

  assert.equal(results.map((result) => result.EvalActionName), actions);
  assert.equal(
    results.map((result) => result.EvalDecision),
    ["allowed", "explicitDeny", "implicitDeny", "allowed", "implicitDeny"],
  );

  const [create, remove, put, passRole, getParameter] = results;
  assert.is(create?.EvalResourceName, "*");
  assert.equal(create?.MatchedStatements?.[0]?.SourcePolicyType, "role");
  assert.equal(remove?.MatchedStatements, [
    {
      SourcePolicyId: "deny-delete",
      SourcePolicyType: "role",
      StartPosition: { Line: 3, Column: 5 },
      EndPosition: { Line: 7, Column: 6 },
    },
  ]);
  assert.equal(put?.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: false });
  assert.equal(put?.OrganizationsDecisionDetail, { AllowedByOrganizations: true });
  assert.equal(passRole?.MissingContextValues, ["iam:PassedToService"]);
  assert.equal(passRole?.EvalDecisionDetails, { "Permissions Boundary Policy": "allowed" });
  assert.equal(getParameter?.MatchedStatements ?? [], []);

  const calls = stub.callsTo("SimulatePrincipalPolicy");
  assert.is(calls.length, 3);
  assert.ok(calls.every((call) => call.handledBy === "stub" && call.service === "iam"));
  assert.is(calls[0]?.parameters["PolicySourceArn"], PRINCIPAL);
  assert.is(calls[0]?.parameters["MaxItems"], "10");
  assert.is(calls[0]?.parameters["ActionNames.member.5"], "ssm:GetParameter");
  assert.is(calls[1]?.parameters["Marker"] !== undefined, true);
});

stubSuite("simulate honors MaxItems and resources", async ({ stub }) => {
  stub.configure({ simulation: { defaultDecision: "allowed" } });
  const iam = new IAMClient(clientConfig(stub.url));
  const first = await iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: PRINCIPAL,
      ActionNames: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      ResourceArns: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
      MaxItems: 2,
    }),
  );
  assert.is(first.IsTruncated, true);
  assert.is(first.EvaluationResults?.length, 2);
  assert.equal(
    first.EvaluationResults?.[0]?.ResourceSpecificResults?.map((result) => [result.EvalResourceName, result.EvalResourceDecision]),
    [
      ["arn:aws:s3:::a/*", "allowed"],
      ["arn:aws:s3:::b/*", "allowed"],
    ],
  );

  const second = await iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: PRINCIPAL,
      ActionNames: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      MaxItems: 2,
      Marker: first.Marker,
    }),
  );
  assert.is(second.IsTruncated, false);
  assert.is(second.Marker, undefined);
  assert.equal(second.EvaluationResults?.map((result) => result.EvalActionName), ["s3:DeleteObject"]);
});

stubSuite("simulate custom policy uses decisions", async ({ stub }) => {
  stub.configure({ simulation: { decisions: { "sts:*": "allowed" } } });
  const iam = new IAMClient(clientConfig(stub.url));
  const result = await iam.send(
    new SimulateCustomPolicyCommand({
      PolicyInputList: [JSON.stringify(ALLOW_ALL_POLICY)],
      ActionNames: ["sts:AssumeRole", "ec2:RunInstances"],
    }),
  );
  assert.equal(result.EvaluationResults?.map((entry) => entry.EvalDecision), ["allowed", "implicitDeny"]);
});

stubSuite("simulate errors have SDK names", async ({ stub }) => {
  const iam = new IAMClient(clientConfig(stub.url));

  const invalid = await rejectionOf(
    iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: "arn:aws:sts::123456789012:assumed-role/deployer/session",
        ActionNames: ["s3:GetObject"],
      }),
    ),
  );
  assert.is(invalid.name, "InvalidInputException");
  assert.is(invalid.$metadata?.httpStatusCode, 400);

  stub.configure({ simulation: { knownPrincipals: ["arn:aws:iam::123456789012:role/other"] } });
  const missing = await rejectionOf(
    iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: PRINCIPAL, ActionNames: ["s3:GetObject"] })),
  );
  assert.is(missing.name, "NoSuchEntityException");
  assert.is(missing.message, "The role with name deployer cannot be found.");

  const noActions = await rejectionOf(
    iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: PRINCIPAL, ActionNames: [] })),
  );
  assert.is(noActions.name, "ValidationError");
});

stubSuite("access denied mode", async ({ stub }) => {
  stub.configure({ accessDenied: { callerArn: "arn:aws:iam::123456789012:user/ci" } });
  const iam = new IAMClient(clientConfig(stub.url));
  const error = await rejectionOf(
    iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: PRINCIPAL, ActionNames: ["s3:GetObject"] })),
  );
  assert.is(error.name, "AccessDenied");
  assert.is(error.$fault, "client");
  assert.is(error.$metadata?.httpStatusCode, 403);
  assert.match(
    error.message,
    `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${PRINCIPAL}`,
  );
  assert.is(stub.calls[0]?.errorCode, "AccessDenied");

  const cloudFormation = new CloudFormationClient(clientConfig(stub.url));
  const describeError = await rejectionOf(cloudFormation.send(new DescribeTypeCommand({ Type: "RESOURCE", TypeName: "AWS::S3::Bucket" })));
  assert.is(describeError.name, "AccessDenied");
});

stubSuite("throttles the first calls", async ({ stub }) => {
  stub.configure({ simulation: { defaultDecision: "allowed" }, throttle: { count: 2 } });
  const input = { PolicySourceArn: PRINCIPAL, ActionNames: ["s3:GetObject"] };

  const noRetry = new IAMClient(clientConfig(stub.url));
  const error = await rejectionOf(noRetry.send(new SimulatePrincipalPolicyCommand(input)));
  assert.is(error.name, "Throttling");
  assert.is(error.message, "Rate exceeded");
  assert.is(error.$metadata?.httpStatusCode, 400);

  // The SDK's standard retry strategy treats Throttling as retryable.
  const withRetry = new IAMClient(clientConfig(stub.url, FAKE_ADMIN_CREDENTIALS, 3));
  const result = await withRetry.send(new SimulatePrincipalPolicyCommand(input));
  assert.is(result.EvaluationResults?.[0]?.EvalDecision, "allowed");
  assert.is(result.$metadata.attempts, 2);

  const statuses = stub.callsTo("SimulatePrincipalPolicy").map((call) => call.errorCode ?? call.status);
  assert.equal(statuses, ["Throttling", "Throttling", 200]);
});

stubSuite("describe type returns handler permissions", async ({ stub }) => {
  stub.configure({
    resourceTypes: {
      "AWS::S3::Bucket": { create: ["s3:CreateBucket", "s3:PutBucketTagging"], delete: ["s3:DeleteBucket"] },
      "AWS::Custom::Thing": { schema: { typeName: "AWS::Custom::Thing", handlers: {} } },
    },
  });
  const cloudFormation = new CloudFormationClient({ ...clientConfig(stub.url), region: "eu-west-1" });

  const bucket = await cloudFormation.send(new DescribeTypeCommand({ Type: "RESOURCE", TypeName: "AWS::S3::Bucket" }));
  assert.is(bucket.TypeName, "AWS::S3::Bucket");
  assert.is(bucket.Arn, "arn:aws:cloudformation:eu-west-1::type/resource/AWS-S3-Bucket");
  assert.is(bucket.ProvisioningType, "FULLY_MUTABLE");
  assert.ok(bucket.TimeCreated instanceof Date);
  const schema = JSON.parse(bucket.Schema ?? "{}");
  assert.equal(schema.handlers.create.permissions, ["s3:CreateBucket", "s3:PutBucketTagging"]);
  assert.equal(schema.handlers.delete.permissions, ["s3:DeleteBucket"]);
  assert.is(schema.handlers.update, undefined);

  const byArn = await cloudFormation.send(new DescribeTypeCommand({ Arn: "arn:aws:cloudformation:eu-west-1::type/resource/AWS-Custom-Thing" }));
  assert.equal(JSON.parse(byArn.Schema ?? "{}"), { typeName: "AWS::Custom::Thing", handlers: {} });

  const missing = await rejectionOf(cloudFormation.send(new DescribeTypeCommand({ Type: "RESOURCE", TypeName: "AWS::Nope::Nope" })));
  assert.is(missing.name, "TypeNotFoundException");
  assert.is(missing.$metadata?.httpStatusCode, 404);

  assert.equal(stub.callsTo("DescribeType")[0]?.parameters, { Type: "RESOURCE", TypeName: "AWS::S3::Bucket" });
});

stubSuite("proxies other calls to moto", async ({ stub, server }) => {
  const iam = new IAMClient(clientConfig(stub.url));
  const created = await iam.send(new CreateUserCommand({ UserName: "via-stub" }));
  assert.is(created.User?.Arn, "arn:aws:iam::123456789012:user/via-stub");

  const direct = new IAMClient(clientConfig(server.url));
  const fetched = await direct.send(new GetUserCommand({ UserName: "via-stub" }));
  assert.is(fetched.User?.UserName, "via-stub");

  const ssm = new SSMClient(clientConfig(stub.url));
  const missing = await rejectionOf(ssm.send(new GetParameterCommand({ Name: "/harness/none" })));
  assert.is(missing.name, "ParameterNotFound");

  assert.equal(
    stub.calls.map((call) => `${call.handledBy} ${call.action} ${call.status}`),
    ["upstream CreateUser 200", "upstream GetParameter 400"],
  );
});

stubSuite("proxy keeps signatures valid", async ({ stub, server }) => {
  const admin = await createUser(stub, "proxy-admin", ALLOW_ALL_POLICY);
  const viewer = await createUser(stub, "proxy-viewer");
  stub.configure({ simulation: { defaultDecision: "allowed" } });
  await server.enableAuth();
  try {
    const asAdmin = new CloudFormationClient(clientConfig(stub.url, keysOf(admin)));
    const stacks = await asAdmin.send(new DescribeStacksCommand({}));
    assert.ok(Array.isArray(stacks.Stacks));

    const asViewer = new CloudFormationClient(clientConfig(stub.url, keysOf(viewer)));
    const denied = await rejectionOf(asViewer.send(new DescribeStacksCommand({})));
    assert.is(denied.name, "AccessDenied");

    // The stub implements Simulate itself, so moto's auth does not apply to it.
    const iam = new IAMClient(clientConfig(stub.url, keysOf(viewer)));
    const simulated = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: viewer.arn, ActionNames: ["s3:GetObject"] }),
    );
    assert.is(simulated.EvaluationResults?.[0]?.EvalDecision, "allowed");
    assert.is(simulated.EvaluationResults?.[0]?.MatchedStatements?.[0]?.SourcePolicyType, "user");
  } finally {
    await server.disableAuth();
  }
});

stubSuite("stub without upstream returns 502", async () => {
  const lonely = await startIamStub();
  try {
    const sts = new STSClient(clientConfig(lonely.url));
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    assert.is(error.$metadata?.httpStatusCode, 502);
    assert.is(lonely.calls[0]?.status, 502);
  } finally {
    await lonely.stop();
  }

  const rejected = await rejectionOf(startIamStub({ upstreamUrl: "http://192.0.2.1:5000" }));
  assert.match(rejected.message, /upstreamUrl must point at a loopback host/);
});

stubSuite.run();
