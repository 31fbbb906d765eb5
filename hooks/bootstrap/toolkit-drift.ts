// Findings about a complete toolkit stack that still blocks deploys: outputs SST v2
// needs, and roles or a bucket deleted outside CloudFormation.
import { SST_V2_MIN_CDK_VERSION } from "./settings.js";
import type { Finding } from "./types.js";
import type { ToolkitContext } from "./toolkit-findings.js";

export function sstV2Outputs(input: ToolkitContext): Finding[] {
  const { stack, facts, context } = input;
  if (context.tool.name !== "sst-v2" || !stack) return [];
  const missing = ["BootstrapVersion", "BucketName"].filter((key) => !stack.Outputs?.some((entry) => entry.OutputKey === key));
  if (missing.length > 0) {
    return [{
      status: "warn",
      state: "outputs-missing",
      summary: `stack ${facts.stackName} has no ${missing.join(" or ")} output, so SST v2 will run cdk bootstrap again before it deploys`,
    }];
  }
  if (facts.stackVersion !== null && facts.stackVersion < SST_V2_MIN_CDK_VERSION && (facts.version ?? 0) >= SST_V2_MIN_CDK_VERSION) {
    return [{ status: "warn", state: "outputs-outdated", summary: `the BootstrapVersion output of ${facts.stackName} is ${facts.stackVersion}, below the ${SST_V2_MIN_CDK_VERSION} SST v2 reads, so SST will bootstrap again` }];
  }
  return [];
}

export function drift(input: ToolkitContext, where: string, bootstrap: string): Finding[] {
  const { facts } = input;
  const deleted = [
    ...(facts.bucketExists === false && facts.bucketName ? [`bucket ${facts.bucketName}`] : []),
    ...facts.missingRoles.map((role) => `role ${role}`),
  ];
  const findings: Finding[] = [];
  if (deleted.length > 0) {
    findings.push({
      status: "fail",
      state: "resources-missing",
      summary: `stack ${facts.stackName} is complete but its ${deleted.join(", ")} ${deleted.length === 1 ? "was" : "were"} deleted outside CloudFormation`,
      details: ["cdk bootstrap does not create them again while the stack template is unchanged."],
      guidance: [`1. aws cloudformation delete-stack ${where}`, `2. aws cloudformation wait stack-delete-complete ${where}`, `3. ${bootstrap}`],
    });
  }
  if (input.notVerified.length > 0) {
    findings.push({
      status: "warn",
      state: "not-verified",
      summary: `could not verify the bootstrap roles and bucket: ${input.notVerified.length} read${input.notVerified.length === 1 ? "" : "s"} failed`,
      details: input.notVerified,
      guidance: ["Allow iam:GetRole on the cdk-* roles and s3:ListBucket on the asset bucket to let the check verify them."],
    });
  }
  return findings;
}
