// Turns what the CDK toolkit check read in one environment into findings: the stack's
// status, a missing or wrong-qualifier bootstrap, an old version, and deleted roles or
// bucket. Each finding states whether running `cdk bootstrap` alone repairs it.
import type { Stack } from "@aws-sdk/client-cloudformation";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { bootstrapCommand } from "./guidance.js";
import { qualifierMismatch } from "./qualifier-mismatch.js";
import { classifyStackStatus } from "./stack-status.js";
import { drift, sstV2Outputs } from "./toolkit-drift.js";
import type { BootstrapSettings, Finding, Requirement, Target, ToolkitFacts } from "./types.js";

export interface ToolkitContext {
  context: PreflightContext;
  target: Target;
  settings: BootstrapSettings;
  required: Requirement;
  facts: ToolkitFacts;
  parameterValue: string | null;
  stack: Stack | null;
  orphanBucket: string | undefined;
  otherQualifiers: Array<{ qualifier: string; version: string }>;
  /** Reads of roles or the bucket that failed, described for the report. */
  notVerified: string[];
}

export function interpretToolkit(input: ToolkitContext): Finding[] {
  const { facts, settings, target, required, context } = input;
  const bootstrap = bootstrapCommand(context, target, settings);
  const where = `--stack-name ${facts.stackName} --region ${target.region}`;

  if (input.stack && facts.stackStatus) {
    const status = classifyStackStatus(facts.stackStatus, { stackName: facts.stackName, region: target.region, rebuild: bootstrap, ...(input.orphanBucket ? { orphanBucket: input.orphanBucket } : {}) });
    if (status) return [status];
  }

  const mismatch = qualifierMismatch(input);
  if (mismatch) return [mismatch];

  const findings: Finding[] = [];
  if (!input.stack && input.parameterValue === null) {
    if (input.orphanBucket) {
      return [{
        status: "fail",
        state: "missing",
        summary: `not bootstrapped: neither stack ${facts.stackName} nor ${facts.parameterName} exists, and the bucket ${input.orphanBucket} left by an earlier bootstrap blocks a new one`,
        guidance: [
          `1. Empty and delete the bucket: aws s3 rb s3://${input.orphanBucket} --force (or keep it: cdk bootstrap --import-existing-resources adopts it)`,
          `2. ${bootstrap}`,
        ],
      }];
    }
    return [{
      status: "fail",
      state: "missing",
      summary: `not bootstrapped: neither stack ${facts.stackName} nor ${facts.parameterName} exists`,
      guidance: [bootstrap],
      fixable: true,
    }];
  }

  if (!input.stack) {
    const blocking = context.tool.name === "sst-v2";
    findings.push({
      status: blocking ? "fail" : "warn",
      state: "stack-missing",
      summary: `${facts.parameterName} exists but stack ${facts.stackName} (from ${settings.toolkitStackName.source}) does not: the environment was bootstrapped under another toolkit stack name`,
      details: blocking ? ["SST v2 looks the stack up by name and runs cdk bootstrap when it is missing, which then fails because the resources exist."] : [],
      guidance: [`Set the toolkit stack name the environment uses (cdk.toolkitStackName in sst.config.ts, toolkitStackName in cdk.json, or bootstrap.toolkitStackName), or find it: aws cloudformation list-stacks --region ${target.region}`],
    });
  } else if (input.parameterValue === null) {
    if (facts.stackVersion === null && !input.stack.Outputs?.some((entry) => entry.OutputKey === "BootstrapVersion")) {
      return [{
        status: "fail",
        state: "outdated",
        summary: `stack ${facts.stackName} is a legacy bootstrap without a version, but ${required.version} is required by ${required.source}`,
        guidance: [bootstrap],
        fixable: true,
      }];
    }
    return [{
      status: "fail",
      state: "parameter-missing",
      summary: `stack ${facts.stackName} exists but its version parameter ${facts.parameterName} was deleted`,
      details: ["Deploys read the version from this parameter, and cdk bootstrap does not create it again while the stack template is unchanged."],
      guidance: [`Put it back: aws ssm put-parameter --name ${facts.parameterName} --type String --value ${facts.stackVersion ?? "VERSION"} --region ${target.region}`],
    }];
  }

  if (facts.version === null) {
    findings.push({
      status: "fail",
      state: "invalid-version",
      summary: `${facts.parameterName} holds ${JSON.stringify(input.parameterValue)}, which is not a version number`,
      guidance: [`Bootstrap again to rewrite it: ${bootstrap}`],
    });
  } else if (facts.version < required.version) {
    findings.push({
      status: "fail",
      state: "outdated",
      summary: `bootstrap version ${facts.version} is too old: ${required.version} is required by ${required.source}`,
      details: [`found ${facts.version} in ${facts.parameterName}`],
      guidance: [`Update the bootstrap: ${bootstrap}`],
      fixable: input.stack !== null,
    });
  }
  if (facts.stackVersion !== null && facts.version !== null && facts.stackVersion !== facts.version) {
    findings.push({ status: "pass", state: "note", summary: `the stack's BootstrapVersion output is ${facts.stackVersion}, the parameter says ${facts.version}; deploys use the parameter` });
  }

  findings.push(...sstV2Outputs(input), ...drift(input, where, bootstrap));
  return findings;
}
