// Units of the permissions check that need no AWS: the local evaluator, policy
// documents, the policy writer, resource-type mapping, the cloud assembly reader,
// the backoff, and the requirements of each strategy.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AssemblyError, readCloudAssembly } from "../hooks/permissions/assembly.js";
import { withBackoff } from "../hooks/permissions/backoff.js";
import { readBootstrapSettings } from "../hooks/permissions/bootstrap-settings.js";
import { serviceForResourceType } from "../hooks/permissions/cfn-services.js";
import { evaluateLocally, wildcardMatch, type NamedPolicy } from "../hooks/permissions/evaluator.js";
import { parsePolicyDocument, PolicyDocumentError } from "../hooks/permissions/policy-document.js";
import { attachCommands, writeMissingPolicy, writePolicy } from "../hooks/permissions/policy-writer.js";
import { parseHandlerPermissions } from "../hooks/permissions/registry.js";
import { distinctActions } from "../hooks/permissions/requirements.js";
import { buildRequirements, StrategyInputError, type StrategyInput } from "../hooks/permissions/strategies.js";
import { AwsCallError } from "../plugin/aws/call.js";

const policy = (name: string, statements: unknown[]): NamedPolicy => ({ name, document: parsePolicyDocument(JSON.stringify({ Version: "2012-10-17", Statement: statements }), name) });

// ---

const evaluator = suite("local evaluator");

evaluator("allow with wildcards", () => {
  const identity = [policy("p", [{ Effect: "Allow", Action: "lambda:Create*", Resource: "*" }])];
  assert.is(evaluateLocally("lambda:CreateFunction", "*", identity).decision, "allowed");
  assert.is(evaluateLocally("LAMBDA:createfunction", "*", identity).decision, "allowed", "actions ignore case");
  assert.equal(evaluateLocally("lambda:DeleteFunction", "*", identity).reasons, ["no-allow"]);
});

evaluator("deny beats allow", () => {
  const identity = [policy("p", [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "s3:PutObject", Resource: "*" }])];
  const result = evaluateLocally("s3:PutObject", "arn:aws:s3:::b/k", identity);
  assert.is(result.decision, "explicitDeny");
  assert.equal(result.reasons, ["explicit-deny"]);
  assert.is(evaluateLocally("s3:GetObject", "arn:aws:s3:::b/k", identity).decision, "allowed");
});

evaluator("NotAction and NotResource", () => {
  const identity = [policy("p", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, { Effect: "Allow", Action: "iam:GetRole", NotResource: "arn:aws:iam::1:role/admin" }])];
  assert.is(evaluateLocally("sqs:CreateQueue", "*", identity).decision, "allowed");
  assert.is(evaluateLocally("iam:CreateRole", "*", identity).decision, "implicitDeny");
  assert.is(evaluateLocally("iam:GetRole", "arn:aws:iam::1:role/app", identity).decision, "allowed");
  assert.is(evaluateLocally("iam:GetRole", "arn:aws:iam::1:role/admin", identity).decision, "implicitDeny");
});

evaluator("resource patterns", () => {
  const identity = [policy("p", [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:*:111111111111:parameter/cdk-bootstrap/*" }])];
  assert.is(evaluateLocally("ssm:GetParameter", "arn:aws:ssm:eu-west-1:111111111111:parameter/cdk-bootstrap/hnb659fds/version", identity).decision, "allowed");
  assert.is(evaluateLocally("ssm:GetParameter", "arn:aws:ssm:eu-west-1:222222222222:parameter/cdk-bootstrap/x", identity).decision, "implicitDeny");
  // A scoped allow does not grant "any resource".
  assert.is(evaluateLocally("ssm:GetParameter", "*", identity).decision, "implicitDeny");
});

evaluator("conditions are not evaluated", () => {
  const identity = [policy("p", [{ Sid: "OnlyEu", Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }])];
  const result = evaluateLocally("lambda:CreateFunction", "*", identity);
  assert.is(result.decision, "conditional");
  assert.equal(result.conditionalStatements, ["p, statement OnlyEu"]);
  const withVariable = [policy("q", [{ Effect: "Allow", Action: "iam:GetUser", Resource: "arn:aws:iam::1:user/${aws:username}" }])];
  assert.is(evaluateLocally("iam:GetUser", "arn:aws:iam::1:user/bob", withVariable).decision, "conditional");
});

evaluator("conditional deny is not a pass", () => {
  const identity = [policy("p", [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }])];
  assert.is(evaluateLocally("s3:PutObject", "*", identity).decision, "conditional");
});

evaluator("permissions boundary", () => {
  const identity = [policy("identity", [{ Effect: "Allow", Action: "iam:*", Resource: "*" }])];
  const boundary = policy("boundary", [{ Effect: "Allow", Action: ["s3:*", "cloudformation:*"], Resource: "*" }]);
  assert.equal(evaluateLocally("iam:CreateRole", "*", identity, boundary).reasons, ["boundary"]);
  assert.equal(evaluateLocally("s3:CreateBucket", "*", identity, boundary).reasons, ["no-allow"]);
  assert.equal(evaluateLocally("lambda:CreateFunction", "*", identity, boundary).reasons, ["no-allow", "boundary"]);
});

evaluator("wildcard question mark", () => {
  assert.ok(wildcardMatch("s3:Get?bject", "s3:GetObject", true));
  assert.not.ok(wildcardMatch("arn:aws:s3:::a?", "arn:aws:s3:::abc", false));
  assert.not.ok(wildcardMatch("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false), "resources keep case");
});

evaluator.run();

// ---

const documents = suite("policy documents");

documents("single statement and strings become lists", () => {
  const document = parsePolicyDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}', "x");
  assert.equal(document.Statement, [{ Effect: "Allow", Action: ["sqs:*"], Resource: ["*"] }]);
});

documents("invalid documents name the field", () => {
  const cases: Array<[string, RegExp]> = [
    ['{"Statement":[{"Effect":"Permit","Action":"s3:*"}]}', /Statement\[0\]\.Effect is "Permit"; expected "Allow" or "Deny"/],
    ['{"Statement":[{"Effect":"Allow"}]}', /Statement\[0\] needs exactly one of "Action" and "NotAction"/],
    ['{"Statement":[{"Effect":"Allow","Action":"CreateQueue"}]}', /invalid action "CreateQueue"/],
    ['{"Version":"2020-01-01","Statement":[]}', /"Version" is "2020-01-01"/],
    ['{"Version":"2012-10-17"}', /has no "Statement"/],
    ['[1,2]', /must contain a JSON object/],
    ['{"Statement":[{"Effect":"Allow","Action":[]}]}', /Action must be a string or a list of strings/],
  ];
  for (const [text, expected] of cases) {
    try {
      parsePolicyDocument(text, "policy file p.json");
      assert.unreachable(`accepted ${text}`);
    } catch (error) {
      assert.instance(error, PolicyDocumentError);
      assert.match((error as Error).message, /^policy file p\.json/);
      assert.match((error as Error).message, expected);
    }
  }
});

documents("JSON errors name line and column", () => {
  try {
    parsePolicyDocument('{\n  "Statement": [\n    {"Effect": "Allow",, }\n  ]\n}', "policy file p.json");
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /not valid JSON at line 3, column \d+/);
  }
});

documents.run();

// ---

const writer = suite("policy writer");

writer("one statement per Sid, sorted and collapsed", () => {
  const policyDocument = writePolicy([
    { sid: "UseBucket", purpose: "", actions: ["s3:PutObject", "s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
    { sid: "UseBucket", purpose: "", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::c/*"] },
    { sid: "ManageLambda", purpose: "", actions: ["lambda:CreateFunction"], grant: ["lambda:*"], resources: ["*"] },
  ]);
  assert.equal(policyDocument.Statement, [
    { Sid: "UseBucket", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"] },
    { Sid: "ManageLambda", Effect: "Allow", Action: "lambda:*", Resource: "*" },
  ]);
});

writer("actions covered by a service wildcard are dropped", () => {
  const policyDocument = writePolicy([
    { sid: "ManageCloudFormationStacks", purpose: "", actions: ["cloudformation:CreateStack"], grant: ["cloudformation:*"], resources: ["*"] },
    { sid: "ReadBootstrapStacks", purpose: "", actions: ["cloudformation:DescribeStacks"], resources: ["arn:aws:cloudformation:eu-west-1:1:stack/CDKToolkit/*"] },
    { sid: "ReadBootstrapVersion", purpose: "", actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:eu-west-1:1:parameter/x"] },
  ]);
  assert.equal(policyDocument.Statement.map((statement) => statement.Sid), ["ManageCloudFormationStacks", "ReadBootstrapVersion"]);
});

writer("missing policy grants the denied parts only", () => {
  const bucket = { sid: "UseBucket", purpose: "", actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] };
  const service = { sid: "ManageSqs", purpose: "", actions: ["sqs:CreateQueue", "sqs:DeleteQueue"], grant: ["sqs:*"], resources: ["*"] };
  const missing = writeMissingPolicy([
    { requirement: bucket, action: "s3:PutObject", resource: "arn:aws:s3:::b/*" },
    { requirement: service, action: "sqs:DeleteQueue", resource: "*" },
  ]);
  assert.equal(missing.Statement, [
    { Sid: "UseBucket", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" },
    { Sid: "ManageSqs", Effect: "Allow", Action: "sqs:*", Resource: "*" },
  ]);
});

writer("attach commands per entity", () => {
  const commands = attachCommands({ type: "role", name: "ci", account: "111111111111", partition: "aws" }, "sst-preflight-dev", "p.json");
  assert.equal(commands, [
    "aws iam create-policy --policy-name sst-preflight-dev --policy-document file://p.json",
    "aws iam attach-role-policy --role-name ci --policy-arn arn:aws:iam::111111111111:policy/sst-preflight-dev",
  ]);
});

writer.run();

// ---

const types = suite("resource types");

types("services of resource types", () => {
  const cases: Array<[string, string | undefined]> = [
    ["AWS::Lambda::Function", "lambda"],
    ["AWS::ApiGatewayV2::Api", "apigateway"],
    ["AWS::Cognito::UserPool", "cognito-idp"],
    ["AWS::Cognito::IdentityPool", "cognito-identity"],
    ["AWS::StepFunctions::StateMachine", "states"],
    ["AWS::CertificateManager::Certificate", "acm"],
    ["AWS::ElasticLoadBalancingV2::LoadBalancer", "elasticloadbalancing"],
    ["AWS::CDK::Metadata", undefined],
    ["Custom::S3AutoDeleteObjects", undefined],
  ];
  for (const [type, service] of cases) assert.is(serviceForResourceType(type), service, type);
});

types("handler permissions from a schema", () => {
  const schema = JSON.stringify({ handlers: { create: { permissions: ["sqs:CreateQueue", "sqs:TagQueue"] }, read: { permissions: ["sqs:GetQueueAttributes"] }, delete: { permissions: ["sqs:DeleteQueue"] } } });
  assert.equal(parseHandlerPermissions(schema), ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:TagQueue"]);
  assert.is(parseHandlerPermissions("{}"), undefined);
  assert.is(parseHandlerPermissions("not json"), undefined);
});

types.run();

// ---

interface AssemblyState {
  dir: string;
}
const assembly = suite<AssemblyState>("cloud assembly reader");

assembly.before.each((state) => {
  state.dir = mkdtempSync(path.join(os.tmpdir(), "preflight-assembly-"));
});
assembly.after.each((state) => {
  rmSync(state.dir, { recursive: true, force: true });
});

assembly("stacks, environments and nested stages", (state) => {
  writeFileSync(path.join(state.dir, "manifest.json"), JSON.stringify({
    artifacts: {
      Api: { type: "aws:cloudformation:stack", environment: "aws://111111111111/eu-west-1", properties: { templateFile: "Api.template.json", stackName: "prod-api" } },
      Agnostic: { type: "aws:cloudformation:stack", environment: "aws://unknown-account/unknown-region", properties: { templateFile: "Agnostic.template.json" } },
      Stage: { type: "cdk:cloud-assembly", properties: { directoryName: "assembly-Stage" } },
      Tree: { type: "cdk:tree", properties: { file: "tree.json" } },
    },
  }));
  writeFileSync(path.join(state.dir, "Api.template.json"), JSON.stringify({ Resources: { F: { Type: "AWS::Lambda::Function" }, G: { Type: "AWS::Lambda::Function" } } }));
  writeFileSync(path.join(state.dir, "Agnostic.template.json"), JSON.stringify({}));
  mkdirSync(path.join(state.dir, "assembly-Stage"));
  writeFileSync(path.join(state.dir, "assembly-Stage", "manifest.json"), JSON.stringify({ artifacts: { Db: { type: "aws:cloudformation:stack", environment: "aws://111111111111/us-east-1", properties: { templateFile: "Db.template.json" } } } }));
  writeFileSync(path.join(state.dir, "assembly-Stage", "Db.template.json"), JSON.stringify({ Resources: { T: { Type: "AWS::DynamoDB::Table" } } }));

  const read = readCloudAssembly(state.dir)!;
  assert.equal(read.stacks.map((stack) => [stack.name, stack.account, stack.region]), [
    ["prod-api", "111111111111", "eu-west-1"],
    ["Agnostic", undefined, undefined],
    ["Db", "111111111111", "us-east-1"],
  ]);
  assert.is(read.stacks[0]!.resourceTypes.get("AWS::Lambda::Function"), 2);
});

assembly("missing manifest is no assembly", (state) => {
  assert.is(readCloudAssembly(state.dir), undefined);
});

assembly("broken template names the file", (state) => {
  writeFileSync(path.join(state.dir, "manifest.json"), JSON.stringify({ artifacts: { Api: { type: "aws:cloudformation:stack", properties: { templateFile: "Api.template.json" } } } }));
  writeFileSync(path.join(state.dir, "Api.template.json"), '{"Resources": {"F": {"Type": ');
  try {
    readCloudAssembly(state.dir);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, AssemblyError);
    assert.match((error as Error).message, path.join(state.dir, "Api.template.json"));
    assert.match((error as Error).message, "synthesize again");
  }
});

assembly("bootstrap names from cdk.json", (state) => {
  writeFileSync(path.join(state.dir, "cdk.json"), JSON.stringify({ toolkitStackName: "ToolkitProd", context: { "@aws-cdk/core:bootstrapQualifier": "team01" } }));
  assert.equal(readBootstrapSettings(state.dir, {}), { qualifier: "team01", toolkitStackName: "ToolkitProd", sstBootstrapStackName: "SSTBootstrap" });
  assert.is(readBootstrapSettings(state.dir, { bootstrap: { qualifier: "cfg" } }).qualifier, "cfg", "the preflight config wins");
  assert.is(readBootstrapSettings(state.dir, {}, { cdk: { qualifier: "sstq" } }).qualifier, "sstq", "SST's cdk.qualifier comes before cdk.json");
});

assembly.run();

// ---

const backoff = suite("backoff");

const throttled = () => new AwsCallError("iam:SimulatePrincipalPolicy", "throttled", "Throttling", "Rate exceeded", 400);

backoff("retries throttling until success", async () => {
  let attempts = 0;
  const delays: number[] = [];
  const value = await withBackoff(
    async () => {
      attempts++;
      if (attempts < 3) throw throttled();
      return "done";
    },
    { policy: { attempts: 5, baseDelayMs: 10, maxDelayMs: 100, budgetMs: 5_000 }, signal: new AbortController().signal, onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) },
  );
  assert.is(value, "done");
  assert.is(attempts, 3);
  // The second delay lies between half and all of the doubled ceiling of 20 ms.
  assert.ok(delays[1]! >= 10, `second delay ${delays[1]}`);
  assert.ok(delays[1]! <= 20, `second delay ${delays[1]}`);
});

backoff("stops at the attempt limit and rethrows", async () => {
  let attempts = 0;
  try {
    await withBackoff(async () => {
      attempts++;
      throw throttled();
    }, { policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 }, signal: new AbortController().signal });
    assert.unreachable();
  } catch (error) {
    assert.is((error as AwsCallError).kind, "throttled");
  }
  assert.is(attempts, 3);
});

backoff("never sleeps past the budget", async () => {
  let attempts = 0;
  const began = Date.now();
  await withBackoff(async () => {
    attempts++;
    throw throttled();
  }, { policy: { attempts: 10, baseDelayMs: 400, maxDelayMs: 400, budgetMs: 100 }, signal: new AbortController().signal }).catch(() => undefined);
  assert.is(attempts, 1);
  assert.ok(Date.now() - began < 300);
});

backoff("does not retry a denial", async () => {
  let attempts = 0;
  await withBackoff(async () => {
    attempts++;
    throw new AwsCallError("iam:SimulatePrincipalPolicy", "access-denied", "AccessDenied", "denied", 403);
  }, { policy: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1_000 }, signal: new AbortController().signal }).catch(() => undefined);
  assert.is(attempts, 1);
});

backoff.run();

// ---

const strategies = suite("strategy requirements");

const base: StrategyInput = {
  strategy: "baseline",
  tool: "cdk",
  command: "deploy",
  target: { account: "111111111111", regions: ["eu-west-1", "us-east-1"], partition: "aws" },
  bootstrap: { qualifier: "team01", toolkitStackName: "ToolkitProd", sstBootstrapStackName: "SSTBootstrap" },
};

strategies("baseline covers the bootstrap in every region", () => {
  const set = buildRequirements(base);
  const resources = set.requirements.flatMap((requirement) => requirement.resources);
  for (const region of ["eu-west-1", "us-east-1"]) {
    assert.ok(resources.includes(`arn:aws:ssm:${region}:111111111111:parameter/cdk-bootstrap/team01/version`), region);
    assert.ok(resources.includes(`arn:aws:cloudformation:${region}:111111111111:stack/ToolkitProd/*`), region);
    assert.ok(resources.includes(`arn:aws:s3:::cdk-team01-assets-111111111111-${region}/*`), region);
  }
  assert.ok(resources.includes("arn:aws:iam::111111111111:role/cdk-team01-*"));
});

strategies("sst dev adds the live-development stack", () => {
  const deploy = distinctActions(buildRequirements({ ...base, tool: "sst-v2" }).requirements);
  const dev = distinctActions(buildRequirements({ ...base, tool: "sst-v2", command: "dev" }).requirements);
  for (const action of ["dynamodb:CreateTable", "lambda:AddPermission", "s3:PutBucketPolicy", "iam:PutRolePolicy", "apigateway:POST", "iot:Publish"]) {
    assert.ok(dev.includes(action), action);
    assert.not.ok(deploy.includes(action), action);
  }
});

strategies("sst v3 uses its own bootstrap", () => {
  const resources = buildRequirements({ ...base, tool: "sst-v3" }).requirements.flatMap((requirement) => requirement.resources);
  assert.ok(resources.includes("arn:aws:ssm:eu-west-1:111111111111:parameter/sst/*"));
  assert.not.ok(resources.some((resource) => resource.includes("cdk-bootstrap")));
});

strategies("services add the core and custom domain", () => {
  const set = buildRequirements({ ...base, strategy: "services", services: ["sqs"], customDomain: true });
  const sids = set.requirements.map((requirement) => requirement.sid);
  for (const sid of ["ManageCloudFormationStacks", "ManageIamRolesAndPolicies", "ManageCloudWatchLogs", "ManageSqsQueues", "ManageCustomDomain"]) assert.ok(sids.includes(sid), sid);
});

strategies("extra actions are checked", () => {
  const set = buildRequirements({ ...base, extraActions: ["kafka:CreateCluster"] });
  assert.ok(distinctActions(set.requirements).includes("kafka:CreateCluster"));
});

strategies("missing inputs name the setting", () => {
  assert.throws(() => buildRequirements({ ...base, strategy: "service-role" }), (error: Error) => error instanceof StrategyInputError && /roleArn/.test(error.message));
  assert.throws(() => buildRequirements({ ...base, strategy: "policy-file" }), (error: Error) => error instanceof StrategyInputError && /policyFile/.test(error.message));
});

strategies.run();
