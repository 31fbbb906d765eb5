// `sst-preflight policy` through the built CLI: the documents per strategy, the split
// for a cloud assembly with handler permissions from the IAM stub's DescribeType, and
// clear errors for bad input. Run `npm run build` first.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parsePolicyDocument } from "../hooks/permissions/policy-document.js";
import { makeCdkProject, runCli, type TempProject } from "./harness/cli-project.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";

const ACCOUNT = "111111111111";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;

interface State {
  stub: IamStub;
  isolated: IsolatedEnv;
  projects: TempProject[];
}

interface PolicyJson {
  strategy: string;
  policies: Array<{ name: string; attachTo: string; document: { Statement: Array<{ Sid: string; Action: string | string[]; Resource: string | string[] }> } }>;
  notes: string[];
}

const command = suite<State>("policy command");

command.before(async (state) => {
  state.projects = [];
  state.stub = await startIamStub();
  state.isolated = makeIsolatedEnv({
    endpoint: state.stub.url,
    vars: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "fake-secret-for-tests", AWS_REGION: "us-east-1" },
  });
});

command.after(async (state) => {
  await state.stub?.stop();
  state.isolated?.cleanup();
  for (const project of state.projects ?? []) project.cleanup();
});

command.before.each((state) => {
  state.stub.configure({
    accessDenied: false,
    resourceTypes: {
      "AWS::Lambda::Function": { create: ["lambda:CreateFunction", "lambda:GetFunction", "iam:PassRole"], update: ["lambda:UpdateFunctionCode"], delete: ["lambda:DeleteFunction"] },
      "AWS::SQS::Queue": { create: ["sqs:CreateQueue", "sqs:GetQueueAttributes"], delete: ["sqs:DeleteQueue"] },
    },
  });
  state.stub.clearCalls();
});

function project(state: State, files: Record<string, string> = {}, config?: unknown): TempProject {
  const created = makeCdkProject({ files, ...(config ? { config } : {}) });
  state.projects.push(created);
  return created;
}

const policy = (state: State, dir: string, args: string[]) => runCli(["policy", ...args], { cwd: dir, env: state.isolated.env });
const statementsOf = (json: PolicyJson, name: string) => json.policies.find((entry) => entry.name === name)?.document.Statement ?? [];
const actionsOf = (statements: Array<{ Action: string | string[] }>) => statements.flatMap((statement) => [statement.Action].flat());

/** Returns the files of a cloud assembly with two stacks that share a resource type, plus a type the stub does not know. */
function assemblyFiles(): Record<string, string> {
  const stack = (types: string[]) => JSON.stringify({ Resources: Object.fromEntries(types.map((type, index) => [`R${index}`, { Type: type }])) });
  return {
    "cdk.out/manifest.json": JSON.stringify({
      version: "36.0.0",
      artifacts: {
        Api: { type: "aws:cloudformation:stack", environment: `aws://${ACCOUNT}/eu-west-1`, properties: { templateFile: "Api.template.json", stackName: "prod-api" } },
        Jobs: { type: "aws:cloudformation:stack", environment: `aws://${ACCOUNT}/eu-west-1`, properties: { templateFile: "Jobs.template.json", stackName: "prod-jobs" } },
      },
    }),
    "cdk.out/Api.template.json": stack(["AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::CDK::Metadata"]),
    "cdk.out/Jobs.template.json": stack(["AWS::Lambda::Function", "AWS::SQS::Queue"]),
  };
}

command("services strategy prints two documents", async (state) => {
  const { dir } = project(state);
  const args = ["--strategy", "services", "--services", "lambda,dynamodb,apigateway", "--custom-domain"];
  const text = await policy(state, dir, args);
  assert.is(text.exitCode, 0, text.stderr);
  assert.match(text.stdout, "# Policy 1 of 2: deployer (attach to the deploying user or role)");
  assert.match(text.stdout, "# Policy 2 of 2: custom-domain");

  const run = await policy(state, dir, [...args, "--format", "json"]);
  const json = JSON.parse(run.stdout) as PolicyJson;
  assert.equal(json.policies.map((entry) => entry.name), ["deployer", "custom-domain"]);
  const deployer = actionsOf(statementsOf(json, "deployer"));
  for (const action of ["cloudformation:*", "iam:*", "logs:*", "lambda:*", "dynamodb:*", "apigateway:*", "sts:AssumeRole"]) assert.ok(deployer.includes(action), action);
  assert.not.ok(deployer.includes("acm:*"), "the custom domain has its own document");
  assert.equal(statementsOf(json, "custom-domain"), [{ Sid: "ManageCustomDomain", Effect: "Allow", Action: ["acm:*", "cloudfront:*", "route53:*"], Resource: "*" }] as never);
  assert.is(state.stub.calls.length, 0, "a strategy's policy needs no AWS call");
});

command("output folder holds valid policies", async (state) => {
  const { dir } = project(state);
  const run = await policy(state, dir, ["--strategy", "services", "--services", "sqs", "--custom-domain", "--output", "policies"]);
  assert.is(run.exitCode, 0, run.stderr);
  for (const name of ["deployer", "custom-domain"]) {
    const file = path.join(dir, "policies", `${name}.json`);
    assert.match(run.stdout, file);
    const document = parsePolicyDocument(readFileSync(file, "utf8"), file);
    assert.ok(document.Statement.length > 0);
  }
  assert.match(run.stderr, "aws iam create-policy --policy-name sst-preflight-deployer");
});

command("cloud assembly splits caller and role", async (state) => {
  const { dir } = project(state, assemblyFiles());
  const run = await policy(state, dir, ["--cdk-out", "cdk.out", "--role-arn", ROLE, "--format", "json"]);
  assert.is(run.exitCode, 0, run.stderr);
  const json = JSON.parse(run.stdout) as PolicyJson;
  assert.equal(json.policies.map((entry) => [entry.name, entry.attachTo]), [["deployer", "caller"], ["service-role", "service-role"]]);

  const caller = statementsOf(json, "deployer");
  const stacks = caller.find((statement) => statement.Sid === "ManageCloudFormationStacks");
  assert.equal(stacks?.Resource, [`arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/prod-api/*`, `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/prod-jobs/*`]);
  assert.equal(caller.find((statement) => statement.Sid === "PassServiceRole")?.Resource, ROLE);
  assert.ok(caller.some((statement) => statement.Sid === "ReadBootstrapVersion"));
  assert.not.ok(actionsOf(caller).includes("lambda:CreateFunction"), "resource permissions belong to the role");

  const role = statementsOf(json, "service-role");
  assert.equal(role.find((statement) => statement.Sid === "ManageLambdaFunction")?.Action, ["iam:PassRole", "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode"]);
  assert.equal(role.find((statement) => statement.Sid === "ManageSQSQueue")?.Action, ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes"]);
  assert.is(role.find((statement) => statement.Sid === "ManageDynamoDBTable")?.Action, "dynamodb:*", "an unknown type falls back to the service");
  assert.match(json.notes.join("\n"), /AWS::DynamoDB::Table: dynamodb:\* \(coarse: cloudformation:DescribeType failed in eu-west-1/);

  // One DescribeType per type and region, though two stacks use AWS::Lambda::Function.
  const described = state.stub.callsTo("DescribeType").map((call) => call.parameters["TypeName"]).sort();
  assert.equal(described, ["AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::SQS::Queue"]);
});

command("denied registry falls back to service wildcards", async (state) => {
  state.stub.configure({ accessDenied: { actions: ["DescribeType"] } });
  const { dir } = project(state, assemblyFiles());
  const run = await policy(state, dir, ["--cdk-out", "cdk.out", "--format", "json"]);
  assert.is(run.exitCode, 0, run.stderr);
  const json = JSON.parse(run.stdout) as PolicyJson;
  assert.equal(actionsOf(statementsOf(json, "service-role")).sort(), ["dynamodb:*", "lambda:*", "sqs:*"]);
  assert.match(json.notes.join("\n"), "not authorized to perform: cloudformation:DescribeType");
  assert.match(json.notes.join("\n"), "without iam:PassRole");
});

command("offline assembly makes no AWS call", async (state) => {
  const { dir } = project(state, assemblyFiles());
  const run = await policy(state, dir, ["--cdk-out", "cdk.out", "--offline", "--format", "json"]);
  assert.is(run.exitCode, 0, run.stderr);
  assert.is(state.stub.calls.length, 0);
  assert.match(run.stdout, "offline: the registry was not asked");
});

command("policy-file and admin strategies", async (state) => {
  const file = { Version: "2012-10-17", Statement: [{ Sid: "Queues", Effect: "Allow", Action: "sqs:CreateQueue", Resource: "*" }] };
  const { dir } = project(state, { "generated.json": JSON.stringify(file) }, { permissions: { strategy: "policy-file", policyFile: "generated.json" } });
  const fromConfig = await policy(state, dir, ["--format", "json"]);
  assert.is(fromConfig.exitCode, 0, fromConfig.stderr);
  const statements = statementsOf(JSON.parse(fromConfig.stdout) as PolicyJson, "deployer");
  assert.equal(statements[0], { Sid: "Queues", Effect: "Allow", Action: "sqs:CreateQueue", Resource: "*" } as never);
  assert.ok(statements.some((statement) => statement.Sid === "AssumeCdkBootstrapRoles"));

  const admin = await policy(state, dir, ["--strategy", "admin", "--format", "json"]);
  const json = JSON.parse(admin.stdout) as PolicyJson;
  assert.equal(statementsOf(json, "administrator"), [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }] as never);
  assert.match(json.notes.join("\n"), "arn:aws:iam::aws:policy/AdministratorAccess");
});

command("service-role strategy prints the role's part", async (state) => {
  const { dir } = project(state);
  const run = await policy(state, dir, ["--strategy", "service-role", "--role-arn", ROLE, "--services", "lambda", "--region", "eu-west-1", "--format", "json"]);
  assert.is(run.exitCode, 0, run.stderr);
  const json = JSON.parse(run.stdout) as PolicyJson;
  assert.equal(json.policies.map((entry) => [entry.name, entry.attachTo]), [["deployer", "caller"], ["service-role", "service-role"]]);
  const caller = statementsOf(json, "deployer");
  assert.is(caller.find((statement) => statement.Sid === "ManageCloudFormationStacks")?.Resource, `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/*/*`, "the account comes from the role ARN");
  assert.not.ok(actionsOf(caller).includes("lambda:*"));
  assert.equal(actionsOf(statementsOf(json, "service-role")), ["iam:*", "logs:*", "lambda:*"]);
});

command("bad input exits 2 with the fix", async (state) => {
  const { dir } = project(state);
  mkdirSync(path.join(dir, "empty-out"));
  writeFileSync(path.join(dir, "broken.json"), '{"Statement": [');
  const cases: Array<[string[], RegExp]> = [
    [["--strategy", "everything"], /Invalid --strategy "everything"[\s\S]*admin, services, policy-file, service-role/],
    [[], /--strategy admin\|services\|policy-file\|service-role, or --cdk-out/],
    [["--strategy", "services", "--services", "Lambda!"], /Invalid --services "Lambda!"/],
    [["--strategy", "policy-file", "--policy-file", "missing.json"], new RegExp(`${path.join(dir, "missing.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} cannot be read \\(ENOENT\\)`)],
    [["--strategy", "policy-file", "--policy-file", "broken.json"], /broken\.json is not valid JSON/],
    [["--strategy", "policy-file"], /permissions\.policyFile is not set/],
    [["--cdk-out", "empty-out"], /manifest\.json is missing/],
    [["--strategy", "services", "--format", "yaml"], /Invalid --format "yaml"/],
  ];
  for (const [args, expected] of cases) {
    const run = await policy(state, dir, args);
    assert.is(run.exitCode, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, expected, args.join(" "));
    assert.not.match(run.stderr, /\n\s+at /, "no stack trace");
  }
});

command.run();
