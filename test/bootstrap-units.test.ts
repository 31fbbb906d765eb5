// The bootstrap check's pure parts: stack-status classification, the cloud assembly
// reader on a real synthesized app, target building, and setting precedence.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readCloudAssembly } from "../hooks/bootstrap/cloud-assembly.js";
import { flagValue, readCdkSettings } from "../hooks/bootstrap/project-files.js";
import { highestRequirement, resolveSettings } from "../hooks/bootstrap/settings.js";
import { needsUpdate } from "../hooks/bootstrap/sst-bootstrap.js";
import { classifyStackStatus } from "../hooks/bootstrap/stack-status.js";
import { buildTargets } from "../hooks/bootstrap/targets.js";
import type { PreflightContext } from "../plugin/runner/types.js";
import { EDGE_APP_ASSEMBLY } from "./fixtures/bootstrap/helpers.js";

/** Builds a context with only the fields the bootstrap settings and targets read. */
function fakeContext(overrides: Partial<PreflightContext> = {}): PreflightContext {
  return {
    tool: { name: "cdk", detectedBy: "test" },
    command: "deploy",
    toolArgs: [],
    cwd: os.tmpdir(),
    env: {},
    stage: undefined,
    region: { value: "eu-west-1", source: "AWS_REGION" },
    profile: undefined,
    config: {},
    configOrigin: "preflight.config.json",
    stageConfig: {},
    interactive: false,
    offline: false,
    flags: { fix: false, yes: false },
    identity: { account: "111111111111", arn: "arn:aws:iam::111111111111:user/dev", userId: "AIDA" },
    ...overrides,
  } as PreflightContext;
}

const ref = { stackName: "CDKToolkit", region: "eu-west-1", rebuild: "npx cdk bootstrap aws://111111111111/eu-west-1" };

// ---
const status = suite("stack status");

status("stable statuses need no fix", () => {
  for (const stable of ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"]) {
    assert.is(classifyStackStatus(stable, ref), undefined, stable);
  }
});

status("each broken status has its own state", () => {
  const expected: Record<string, string> = {
    ROLLBACK_COMPLETE: "rollback-complete",
    REVIEW_IN_PROGRESS: "review-in-progress",
    CREATE_IN_PROGRESS: "in-progress",
    UPDATE_IN_PROGRESS: "in-progress",
    UPDATE_ROLLBACK_IN_PROGRESS: "in-progress",
    DELETE_IN_PROGRESS: "in-progress",
    UPDATE_ROLLBACK_FAILED: "update-rollback-failed",
    UPDATE_FAILED: "update-failed",
    ROLLBACK_FAILED: "rollback-failed",
    CREATE_FAILED: "create-failed",
    DELETE_FAILED: "delete-failed",
    IMPORT_ROLLBACK_FAILED: "failed",
  };
  for (const [stackStatus, state] of Object.entries(expected)) {
    const finding = classifyStackStatus(stackStatus, ref);
    assert.ok(finding, stackStatus);
    assert.is(finding.state, state, stackStatus);
    assert.is(finding.status, "fail", stackStatus);
    assert.match(finding.summary, stackStatus);
    assert.not.ok(finding.fixable, `${stackStatus} must not be fixed by a bootstrap alone`);
  }
});

status("rollback complete lists the orphan bucket first", () => {
  const finding = classifyStackStatus("ROLLBACK_COMPLETE", { ...ref, orphanBucket: "cdk-hnb659fds-assets-111111111111-eu-west-1" })!;
  const steps = finding.guidance!.join("\n");
  const bucket = steps.indexOf("aws s3 rb s3://cdk-hnb659fds-assets-111111111111-eu-west-1");
  const remove = steps.indexOf("aws cloudformation delete-stack --stack-name CDKToolkit --region eu-west-1");
  const rebuild = steps.indexOf("npx cdk bootstrap aws://111111111111/eu-west-1");
  assert.ok(bucket >= 0, steps);
  assert.ok(bucket < remove, "the bucket goes before the stack");
  assert.ok(remove < rebuild, "the stack goes before the new bootstrap");
});

status("update rollback failed continues the rollback", () => {
  const finding = classifyStackStatus("UPDATE_ROLLBACK_FAILED", ref)!;
  assert.match(finding.guidance!.join("\n"), "aws cloudformation continue-update-rollback --stack-name CDKToolkit --region eu-west-1");
});

status("in progress waits with the right waiter", () => {
  assert.match(classifyStackStatus("UPDATE_IN_PROGRESS", ref)!.guidance![0]!, "aws cloudformation wait stack-update-complete");
  assert.match(classifyStackStatus("CREATE_IN_PROGRESS", ref)!.guidance![0]!, "aws cloudformation wait stack-create-complete");
});

status.run();

// ---
const versions = suite("versions");

versions("SST v2 bootstrap versions follow SST's rule", () => {
  assert.ok(needsUpdate("7.3", "7.4"));
  assert.ok(needsUpdate("6.9", "7.4"));
  assert.ok(needsUpdate("8.0", "7.4"), "a different major version is redeployed too");
  assert.not.ok(needsUpdate("7.4", "7.4"));
  assert.not.ok(needsUpdate("7.5", "7.4"));
});

versions("highest requirement wins, first on a tie", () => {
  const highest = highestRequirement([
    { version: 6, source: "synthesizer" },
    { version: 14, source: "SST v2" },
    { version: 14, source: "config" },
  ]);
  assert.equal(highest, { version: 14, source: "SST v2" });
});

versions.run();

// ---
const assembly = suite("cloud assembly");

assembly("real synthesized app lists both regions", () => {
  const read = readCloudAssembly(path.dirname(EDGE_APP_ASSEMBLY), path.basename(EDGE_APP_ASSEMBLY));
  assert.is(read.kind, "read");
  if (read.kind !== "read") return;
  const stacks = read.artifacts.filter((artifact) => artifact.kind === "stack");
  const site = stacks.find((stack) => stack.id === "dev-site-Web");
  const edge = stacks.find((stack) => stack.id.startsWith("edge-lambda-stack-"));
  assert.equal([site?.account, site?.region, site?.requiresVersion], ["111111111111", "eu-west-1", 6]);
  assert.equal([edge?.account, edge?.region], ["111111111111", "us-east-1"]);
  assert.is(site?.needsUsEast1, "a CloudFront distribution with Lambda@Edge functions");
  assert.is(site?.parameterName, "/cdk-bootstrap/hnb659fds/version");
});

assembly("invalid manifest names the file and field", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-assembly-"));
  try {
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ artifacts: { App: { type: "aws:cloudformation:stack", environment: "eu-west-1" } } }));
    const read = readCloudAssembly(dir, ".");
    assert.is(read.kind, "invalid");
    if (read.kind === "invalid") {
      assert.match(read.problem, "manifest.json");
      assert.match(read.problem, 'environment "eu-west-1"');
      assert.match(read.problem, "aws://ACCOUNT/REGION");
    }
    writeFileSync(path.join(dir, "manifest.json"), "{ not json");
    assert.is(readCloudAssembly(dir, ".").kind, "invalid");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

assembly("missing assembly is reported as none", () => {
  assert.is(readCloudAssembly(os.tmpdir(), "no-such-cdk.out").kind, "none");
});

assembly.run();

// ---
const targets = suite("targets");

targets("assembly, edge and config regions become targets", () => {
  const context = fakeContext({ config: { bootstrap: { regions: ["ap-southeast-2"] } } });
  const read = readCloudAssembly(path.dirname(EDGE_APP_ASSEMBLY), path.basename(EDGE_APP_ASSEMBLY));
  const list = buildTargets(context, read);
  const keys = list.map((target) => `${target.account}/${target.region}`);
  assert.equal(keys, ["111111111111/eu-west-1", "111111111111/us-east-1", "111111111111/ap-southeast-2"]);
  const usEast1 = list[1]!;
  assert.ok(usEast1.reasons.some((reason) => reason.includes("Lambda@Edge")), usEast1.reasons.join("; "));
  assert.ok(usEast1.reasons.some((reason) => reason.includes("edge-lambda-stack-")), usEast1.reasons.join("; "));
  assert.equal(list[0]!.requirements, [{ version: 6, source: `stack dev-site-Web in ${read.label}` }]);
  assert.ok(list[0]!.primary);
  assert.not.ok(list[1]!.primary);
});

targets("another account's stacks are marked unreachable", () => {
  const context = fakeContext({ identity: { account: "222222222222", arn: "arn:aws:iam::222222222222:user/dev", userId: "AIDA" } });
  const read = readCloudAssembly(path.dirname(EDGE_APP_ASSEMBLY), path.basename(EDGE_APP_ASSEMBLY));
  const list = buildTargets(context, read);
  assert.is(list[0]!.account, "222222222222");
  assert.is(list[0]!.unreachable, undefined);
  assert.ok(list.slice(1).every((target) => target.unreachable?.includes("account 222222222222")));
});

targets("SST v2 ignores another stage's stacks", () => {
  const context = fakeContext({ tool: { name: "sst-v2", detectedBy: "test" }, stage: { value: "prod", source: "--stage" } });
  const read = readCloudAssembly(path.dirname(EDGE_APP_ASSEMBLY), path.basename(EDGE_APP_ASSEMBLY));
  const keys = buildTargets(context, read).map((target) => target.region);
  assert.equal(keys, ["eu-west-1"], "the dev-* stacks of the assembly belong to stage dev");
});

targets.run();

// ---
const settings = suite("settings");

settings("toolkit stack name precedence", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-settings-"));
  try {
    writeFileSync(path.join(dir, "cdk.json"), JSON.stringify({ toolkitStackName: "FromCdkJson", context: { "@aws-cdk/core:bootstrapQualifier": "ctx01" } }));
    const files = readCdkSettings(dir, { HOME: dir });
    const none = { kind: "none" as const, label: "cdk.out/manifest.json" };

    const plain = resolveSettings(fakeContext({ cwd: dir }), files, none);
    assert.equal(plain.toolkitStackName, { value: "FromCdkJson", source: "toolkitStackName in cdk.json" });
    assert.equal(plain.qualifier, { value: "ctx01", source: 'context "@aws-cdk/core:bootstrapQualifier" in cdk.json' });
    assert.is(plain.parameterName.value, "/cdk-bootstrap/ctx01/version");

    const configured = resolveSettings(fakeContext({ cwd: dir, config: { bootstrap: { toolkitStackName: "FromConfig", qualifier: "cfg01" } } }), files, none);
    assert.is(configured.toolkitStackName.value, "FromConfig");
    assert.is(configured.qualifier.value, "cfg01");

    const flagged = resolveSettings(fakeContext({ cwd: dir, toolArgs: ["deploy", "--toolkit-stack-name=FromFlag"], config: { bootstrap: { toolkitStackName: "FromConfig" } } }), files, none);
    assert.equal(flagged.toolkitStackName, { value: "FromFlag", source: "--toolkit-stack-name" });

    const sst = resolveSettings(
      fakeContext({ cwd: dir, tool: { name: "sst-v2", detectedBy: "test" }, appConfig: { cdk: { toolkitStackName: "ToolkitProd", qualifier: "sst01" } } }),
      { problems: [] },
      none,
    );
    assert.equal(sst.toolkitStackName, { value: "ToolkitProd", source: "cdk.toolkitStackName in sst.config.ts" });
    assert.equal(sst.qualifier, { value: "sst01", source: "cdk.qualifier in sst.config.ts" });
    assert.ok(sst.requirements.some((requirement) => requirement.version === 14));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

settings("flag values in both spellings", () => {
  assert.is(flagValue(["deploy", "--output", "out"], ["--output", "-o"]), "out");
  assert.is(flagValue(["deploy", "-o", "out2"], ["--output", "-o"]), "out2");
  assert.is(flagValue(["deploy", "--output=out3"], ["--output", "-o"]), "out3");
  assert.is(flagValue(["deploy", "--output"], ["--output", "-o"]), undefined);
});

settings("unreadable cdk.json is reported, not thrown", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-settings-"));
  try {
    writeFileSync(path.join(dir, "cdk.json"), "{ broken");
    const files = readCdkSettings(dir, { HOME: dir });
    assert.is(files.project, undefined);
    assert.match(files.problems[0] ?? "", "cdk.json is not valid JSON");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

settings.run();
