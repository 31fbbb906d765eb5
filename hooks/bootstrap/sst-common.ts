// Pieces shared by the checks of SST's own bootstrap: the result shape, the bucket
// check, and the commands that make SST create its bootstrap again.
import type { PreflightContext } from "../../plugin/runner/types.js";
import { bucketExists } from "./aws-reads.js";
import { partitionOf } from "./guidance.js";
import type { Finding, Target } from "./types.js";

export interface SstBootstrapResult {
  facts: Record<string, unknown>;
  findings: Finding[];
}

export async function bucketFinding(context: PreflightContext, target: Target, bucket: string, description: string, guidance: string[]): Promise<Finding[]> {
  const read = await bucketExists(context, target.region, bucket);
  if (!read.ok) return [{ status: "warn", state: "not-verified", summary: `could not verify ${description} ${bucket}: ${read.error.action} failed (${read.error.kind})` }];
  if (read.value) return [];
  return [{ status: "fail", state: "sst-bucket-missing", summary: `${description}, ${bucket}, does not exist`, guidance }];
}

export function deleteStackGuidance(stackName: string, region: string): string[] {
  const where = `--stack-name ${stackName} --region ${region}`;
  return [`1. aws cloudformation delete-stack ${where}`, `2. aws cloudformation wait stack-delete-complete ${where}`, "3. Run the SST command again; SST creates the stack and bucket itself."];
}

export function parameterArn(context: PreflightContext, target: Target, name: string): string {
  return `arn:${partitionOf(context)}:ssm:${target.region}:${target.account}:parameter${name}`;
}
