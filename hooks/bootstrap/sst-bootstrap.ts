// Checks SST's own bootstrap in the stage's environment: the SSTBootstrap stack of
// SST v2, the /sst/bootstrap/* parameters of SST v1, and the /sst/bootstrap parameter
// and state bucket of SST v3 and v4. SST creates or updates these itself during a deploy,
// so only states that stop it are failures.
import type { Stack } from "@aws-sdk/client-cloudformation";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { describeStack } from "./aws-reads.js";
import { partitionOf, readFailure } from "./guidance.js";
import { nestedString } from "./project-files.js";
import { sstV2BootstrapVersion } from "./sst-version.js";
import { bucketFinding, deleteStackGuidance, type SstBootstrapResult } from "./sst-common.js";
import { checkSstV1, checkSstV3 } from "./sst-ssm-bootstrap.js";
import { classifyStackStatus } from "./stack-status.js";
import type { Finding, Target } from "./types.js";

export async function checkSstBootstrap(context: PreflightContext, target: Target): Promise<SstBootstrapResult | null> {
  if (context.tool.name === "sst-v2") return checkSstV2(context, target);
  if (context.tool.name === "sst-v1") return checkSstV1(context, target);
  if (context.tool.name === "sst-v3") return checkSstV3(context, target);
  return null;
}

async function checkSstV2(context: PreflightContext, target: Target): Promise<SstBootstrapResult> {
  const stackName = nestedString(context.appConfig, "bootstrap", "stackName") ?? "SSTBootstrap";
  const expected = sstV2BootstrapVersion(context.cwd);
  const facts: Record<string, unknown> = { stackName, stackStatus: null, version: null, required: expected.version, requiredSource: expected.source, bucket: null };
  const read = await describeStack(context, target.region, stackName);
  if (!read.ok) {
    const arn = `arn:${partitionOf(context)}:cloudformation:${target.region}:${target.account}:stack/${stackName}/*`;
    return { facts, findings: [readFailure(context, read.error, arn, `the state of stack ${stackName}`)] };
  }
  const stack = read.value;
  if (!stack) return { facts, findings: [{ status: "pass", state: "sst-missing", summary: `stack ${stackName} does not exist yet; SST creates it on the first deploy` }] };

  facts.stackStatus = stack.StackStatus ?? null;
  const status = classifyStackStatus(stack.StackStatus ?? "UNKNOWN", {
    stackName,
    region: target.region,
    rebuild: `Run the SST command again; SST creates stack ${stackName} itself`,
  });
  if (status) return { facts, findings: [status] };

  const version = output(stack, "Version");
  const bucket = output(stack, "BucketName");
  facts.version = version ?? null;
  facts.bucket = bucket ?? null;
  const findings: Finding[] = [];
  if (!version || !bucket) {
    findings.push({ status: "warn", state: "sst-outputs-missing", summary: `stack ${stackName} has no ${!version ? "Version" : "BucketName"} output, so SST will deploy it again` });
  } else if (needsUpdate(version, expected.version)) {
    findings.push({
      status: "warn",
      state: "sst-outdated",
      summary: `stack ${stackName} is version ${version}, SST expects ${expected.version} (${expected.source}); SST updates it itself during the deploy`,
    });
  }
  if (bucket) findings.push(...(await bucketFinding(context, target, bucket, `the bucket of stack ${stackName}`, deleteStackGuidance(stackName, target.region))));
  if (findings.length === 0) findings.push({ status: "pass", state: "sst-healthy", summary: `stack ${stackName} is ${stack.StackStatus} at version ${version}` });
  return { facts, findings };
}

function output(stack: Stack, key: string): string | undefined {
  return stack.Outputs?.find((entry) => entry.OutputKey === key)?.OutputValue;
}

/** SST v2's rule: redeploy on a different major version or an older minor version. */
export function needsUpdate(found: string, expected: string): boolean {
  const [foundMajor = 0, foundMinor = 0] = found.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const [expectedMajor = 0, expectedMinor = 0] = expected.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return foundMajor !== expectedMajor || foundMinor < expectedMinor;
}
