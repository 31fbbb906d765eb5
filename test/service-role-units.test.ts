// The service-role check's pure parts: ARN parsing, trust policies, the static
// iam:PassRole evaluation, role precedence, synthesizer detection and versions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AwsClients } from "../plugin/aws/clients.js";
import type { PreflightContext } from "../plugin/runner/types.js";
import { compareVersions } from "../hooks/service-role/apply.js";
import { parseRoleArn, partitionOfRegion } from "../hooks/service-role/arn.js";
import { evaluatePassRoleStatically } from "../hooks/service-role/pass-role-static.js";
import { parsePolicyDocument } from "../hooks/service-role/policy-document.js";
import { chooseRole, sstV2RoleSetting } from "../hooks/service-role/source.js";
import { detectSynthesizer } from "../hooks/service-role/synthesizer.js";
import { evaluateTrust } from "../hooks/service-role/trust.js";

const ROLE = "arn:aws:iam::111111111111:role/cfn-deployer";

function makeContext(overrides: Partial<PreflightContext> = {}): PreflightContext {
  return {
    tool: { name: "cdk", detectedBy: "test" },
    command: "deploy",
    toolArgs: [],
    cwd: process.cwd(),
    env: {},
    stage: { value: "prod", source: "--stage" },
    region: { value: "us-east-1", source: "AWS_REGION" },
    profile: undefined,
    config: { stages: { prod: { roleArn: ROLE } } },
    configOrigin: "preflight.config.json",
    stageConfig: { roleArn: ROLE },
    interactive: false,
    offline: false,
    flags: { fix: false, yes: false },
    aws: new AwsClients({ requestTimeoutMs: 1000 }),
    changes: { args: [], sstConfig: {}, notes: [] },
    signal: new AbortController().signal,
    awsCallTimeoutMs: 1000,
    log: { debug() {}, info() {}, warn() {} },
    prompt: () => Promise.reject(new Error("not interactive")),
    ...overrides,
  };
}

const policy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

// ---
const arn = suite("parseRoleArn");

arn("role with a path", () => {
  const parsed = parseRoleArn("arn:aws:iam::111111111111:role/team/ci/cfn-deployer");
  assert.ok(parsed.ok);
  if (!parsed.ok) return;
  assert.is(parsed.role.path, "/team/ci/");
  assert.is(parsed.role.name, "cfn-deployer");
  assert.is(parsed.role.account, "111111111111");
});

arn("common mistakes name the fix", () => {
  const cases: Array<[string, string, string]> = [
    ["cfn-deployer", "is a role name", "arn:aws:iam::<account>:role/cfn-deployer"],
    ["arn:aws:sts::111111111111:assumed-role/cfn-deployer/session", "assumed-role session", "arn:aws:iam::111111111111:role/cfn-deployer"],
    ["arn:aws:iam::111111111111:user/alice", "IAM user", "role/NAME"],
    ["arn:aws:iam::111111111111:instance-profile/cfn", "instance profile", "role/NAME"],
    ["arn:aws:iam:us-east-1:111111111111:role/x", 'region "us-east-1"', "arn:aws:iam::111111111111:role/x"],
    ["arn:aws:iam::11111111111:role/x", "not a 12-digit account ID", "111111111111"],
    ["arn:awz:iam::111111111111:role/x", 'unknown partition "awz"', "aws-cn"],
    ["arn:aws:iam::111111111111:role/bad name", 'invalid role name "bad name"', "64"],
    ["arn:aws:iam::111111111111:role//x", "empty or invalid path segment", "/team/ci/"],
    [" arn:aws:iam::111111111111:role/x", "spaces", "Remove the spaces"],
  ];
  for (const [value, problem, fix] of cases) {
    const parsed = parseRoleArn(value);
    assert.is(parsed.ok, false, value);
    if (parsed.ok) continue;
    assert.match(parsed.problem, problem, value);
    assert.match(parsed.fix, fix, value);
  }
});

arn("partition of a region", () => {
  assert.is(partitionOfRegion("cn-north-1"), "aws-cn");
  assert.is(partitionOfRegion("us-gov-west-1"), "aws-us-gov");
  assert.is(partitionOfRegion("eu-west-1"), "aws");
});

arn.run();

// ---
const trust = suite("evaluateTrust");

const cfnTrust = { Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" };

trust("CloudFormation among other services", () => {
  const verdict = evaluateTrust(parsePolicyDocument(policy([{ ...cfnTrust, Principal: { Service: ["lambda.amazonaws.com", "cloudformation.amazonaws.com"] } }]), "trust"));
  assert.is(verdict.status, "trusted");
});

trust("only lambda is missing", () => {
  const verdict = evaluateTrust(parsePolicyDocument(policy([{ ...cfnTrust, Principal: { Service: "lambda.amazonaws.com" } }]), "trust"));
  assert.is(verdict.status, "missing");
  assert.equal(verdict.trustedPrincipals, ["lambda.amazonaws.com"]);
});

trust("conditions are shown, not decided", () => {
  const statement = { ...cfnTrust, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } };
  const verdict = evaluateTrust(parsePolicyDocument(policy([statement]), "trust"));
  assert.is(verdict.status, "conditional");
  assert.equal(verdict.conditions, ["Allow when StringEquals aws:SourceAccount=111111111111"]);
});

trust("a Deny for CloudFormation wins", () => {
  const verdict = evaluateTrust(parsePolicyDocument(policy([cfnTrust, { ...cfnTrust, Effect: "Deny" }]), "trust"));
  assert.is(verdict.status, "denied");
});

trust("URL-encoded documents as IAM returns them", () => {
  const verdict = evaluateTrust(parsePolicyDocument(encodeURIComponent(policy([cfnTrust])), "trust"));
  assert.is(verdict.status, "trusted");
});

trust("a wildcard action covers AssumeRole", () => {
  const verdict = evaluateTrust(parsePolicyDocument(policy([{ ...cfnTrust, Action: "sts:*" }]), "trust"));
  assert.is(verdict.status, "trusted");
});

trust.run();

// ---
const passRole = suite("evaluatePassRoleStatically");

const cfnExec = "arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1";

passRole("bootstrap policy passes only cfn-exec", () => {
  const statements = parsePolicyDocument(policy([{ Action: "iam:PassRole", Resource: cfnExec, Effect: "Allow" }]), "default");
  const result = evaluatePassRoleStatically([{ label: "inline policy default", statements }], ROLE);
  assert.is(result.decision, "implicitDeny");
  assert.equal(result.passableRoles, [cfnExec]);
});

passRole("PassedToService condition is evaluated", () => {
  const allowed = { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/*" };
  const forCfn = { ...allowed, Condition: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } } };
  const forLambda = { ...allowed, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } };
  const cfn = evaluatePassRoleStatically([{ label: "p", statements: parsePolicyDocument(policy([forCfn]), "p") }], ROLE);
  const lambda = evaluatePassRoleStatically([{ label: "p", statements: parsePolicyDocument(policy([forLambda]), "p") }], ROLE);
  assert.is(cfn.decision, "allowed");
  assert.is(lambda.decision, "implicitDeny");
});

passRole("other conditions stay undecided", () => {
  const statement = { Effect: "Allow", Action: "iam:*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } };
  const result = evaluatePassRoleStatically([{ label: "p", statements: parsePolicyDocument(policy([statement]), "p") }], ROLE);
  assert.is(result.decision, "conditional");
  assert.match(result.conditions[0] ?? "", "aws:MultiFactorAuthPresent");
});

passRole("explicit Deny beats Allow", () => {
  const statements = parsePolicyDocument(
    policy([
      { Effect: "Allow", Action: "*", Resource: "*" },
      { Effect: "Deny", Action: "iam:PassRole", Resource: ROLE },
    ]),
    "p",
  );
  assert.is(evaluatePassRoleStatically([{ label: "p", statements }], ROLE).decision, "explicitDeny");
});

passRole.run();

// ---
const source = suite("chooseRole");

source("stage setting is the default", () => {
  const choice = chooseRole(makeContext());
  assert.is(choice?.arn, ROLE);
  assert.is(choice?.origin, "stages.prod.roleArn in preflight.config.json");
  assert.is(choice?.explicit, false);
});

source("flag overrides the stage setting", () => {
  const other = "arn:aws:iam::111111111111:role/other";
  const choice = chooseRole(makeContext({ flags: { fix: false, yes: false, roleArn: other } }));
  assert.is(choice?.arn, other);
  assert.is(choice?.origin, "--role-arn of sst-preflight");
});

source("role on the cdk command line wins", () => {
  const other = "arn:aws:iam::111111111111:role/other";
  for (const args of [["deploy", "-r", other], ["deploy", "--role-arn", other], ["deploy", `--role-arn=${other}`]]) {
    const choice = chooseRole(makeContext({ toolArgs: args }));
    assert.is(choice?.arn, other, args.join(" "));
    assert.is(choice?.explicit, true);
    assert.is(choice?.overridden?.arn, ROLE);
  }
});

source("SST v2 app's own execution role wins", () => {
  const own = "arn:aws:iam::111111111111:role/own";
  const context = makeContext({ tool: { name: "sst-v2", detectedBy: "test" }, appConfig: { name: "app", cdk: { cloudFormationExecutionRole: own } } });
  const choice = chooseRole(context);
  assert.is(choice?.arn, own);
  assert.is(choice?.origin, "cdk.cloudFormationExecutionRole in sst.config.ts");
  assert.is(choice?.explicit, true);
  assert.is(choice?.overridden?.arn, ROLE);
});

source("star entry names its key", () => {
  const context = makeContext({ config: { stages: { "*": { roleArn: ROLE } } }, stage: { value: "alice", source: ".sst/stage" } });
  assert.is(chooseRole(context)?.origin, 'stages["*"].roleArn in preflight.config.json');
});

source("SST v2 role setting and --role flag", () => {
  const tool = { name: "sst-v2" as const, detectedBy: "test" };
  assert.is(sstV2RoleSetting(makeContext({ tool, appConfig: { name: "app", role: ROLE } }))?.origin, "role in the config() of sst.config.ts");
  assert.is(sstV2RoleSetting(makeContext({ tool, toolArgs: ["--stage", "prod", "--role", ROLE] }))?.value, ROLE);
  assert.is(sstV2RoleSetting(makeContext({ tool: { name: "sst-v1", detectedBy: "test" }, toolArgs: ["--role", ROLE] })), undefined);
});

source.run();

// ---
const synth = suite("detectSynthesizer");
const target = { account: "111111111111", region: "eu-west-1", partition: "aws" };

function withProject(files: Record<string, string>, test: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-synth-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

synth("legacy synthesizer in an imported file", () => {
  withProject(
    {
      "cdk.json": JSON.stringify({ app: "npx tsx bin/app.ts" }),
      "bin/app.ts": 'import { AppStack } from "../lib/stack.js";\nnew AppStack();\n',
      "lib/stack.ts": "export class AppStack { synthesizer = new LegacyStackSynthesizer(); }\n",
    },
    (dir) => {
      const facts = detectSynthesizer(makeContext({ cwd: dir }), target);
      assert.is(facts.callerDeploys, true);
      assert.equal(facts.deployRoles, []);
      assert.match(facts.source, "LegacyStackSynthesizer, named in bin/app.ts, lib/stack.ts");
    },
  );
});

synth("default synthesizer with a context qualifier", () => {
  withProject(
    { "cdk.json": JSON.stringify({ app: "node app.mjs", context: { "@aws-cdk/core:bootstrapQualifier": "team1" } }), "app.mjs": "new App();\n" },
    (dir) => {
      const facts = detectSynthesizer(makeContext({ cwd: dir }), target);
      assert.equal(facts.deployRoles, ["arn:aws:iam::111111111111:role/cdk-team1-deploy-role-111111111111-eu-west-1"]);
      assert.is(facts.callerDeploys, false);
    },
  );
});

synth("cloud assembly wins over the sources", () => {
  const manifest = {
    artifacts: {
      Modern: {
        type: "aws:cloudformation:stack",
        environment: "aws://222222222222/us-west-2",
        properties: { assumeRoleArn: "arn:${AWS::Partition}:iam::222222222222:role/cdk-q-deploy-role-222222222222-${AWS::Region}" },
      },
      Legacy: { type: "aws:cloudformation:stack", environment: "aws://unknown-account/unknown-region", properties: {} },
    },
  };
  withProject({ "cdk.json": JSON.stringify({ app: "node app.mjs" }), "app.mjs": "LegacyStackSynthesizer", "cdk.out/manifest.json": JSON.stringify(manifest) }, (dir) => {
    const facts = detectSynthesizer(makeContext({ cwd: dir }), target);
    assert.equal(facts.deployRoles, ["arn:aws:iam::222222222222:role/cdk-q-deploy-role-222222222222-us-west-2"]);
    assert.is(facts.callerDeploys, true);
    assert.match(facts.source, "manifest.json");
  });
});

synth.run();

// ---
const versions = suite("compareVersions");

versions("orders numerically", () => {
  assert.ok(compareVersions("2.49.10", "2.49.4") > 0);
  assert.ok(compareVersions("2.49.3", "2.49.4") < 0);
  assert.is(compareVersions("2.49.4", "2.49.4"), 0);
  assert.ok(compareVersions("2.49.4-beta.1", "2.49.4") === 0);
});

versions.run();
