// Checks the bootstrap that SST v1 and SST v3/v4 keep in SSM: the /sst/bootstrap/*
// parameters of SST v1, and the /sst/bootstrap parameter and its state bucket of SST v3.
import type { PreflightContext } from "../../plugin/runner/types.js";
import { getParameter } from "./aws-reads.js";
import { readFailure } from "./guidance.js";
import { bucketFinding, deleteStackGuidance, parameterArn, type SstBootstrapResult } from "./sst-common.js";
import type { Finding, Target } from "./types.js";

/** SST 1.18's LATEST_VERSION in packages/core/src/bootstrap: any other value makes it redeploy. */
const SST_V1_VERSION = "3";

export async function checkSstV1(context: PreflightContext, target: Target): Promise<SstBootstrapResult> {
  const names = ["/sst/bootstrap/version", "/sst/bootstrap/stack-name", "/sst/bootstrap/bucket-name"];
  const reads = await Promise.all(names.map(async (name) => ({ name, read: await getParameter(context, target.region, name) })));
  const facts: Record<string, unknown> = { version: null, required: SST_V1_VERSION, stackName: null, bucket: null };
  const values: Array<string | null> = [];
  for (const { name, read } of reads) {
    if (!read.ok) return { facts, findings: [readFailure(context, read.error, parameterArn(context, target, name), "SST's bootstrap")] };
    values.push(read.value);
  }
  const [version = null, stackName = null, bucket = null] = values;
  Object.assign(facts, { version, stackName, bucket });
  if (version === null) {
    return { facts, findings: [{ status: "pass", state: "sst-missing", summary: "SST's bootstrap (/sst/bootstrap/version) does not exist yet; SST creates it on the first deploy" }] };
  }

  const findings: Finding[] = [];
  if (version !== SST_V1_VERSION) {
    findings.push({ status: "warn", state: "sst-outdated", summary: `/sst/bootstrap/version is ${version}, SST 1.18 expects ${SST_V1_VERSION} and deploys its bootstrap stack again` });
  }
  if (bucket) {
    const guidance = deleteStackGuidance(stackName ?? "SSTBootstrap", target.region);
    findings.push(...(await bucketFinding(context, target, bucket, "the bucket named by /sst/bootstrap/bucket-name", guidance)));
  }
  if (findings.length === 0) findings.push({ status: "pass", state: "sst-healthy", summary: `SST's bootstrap is version ${version}` });
  return { facts, findings };
}

export async function checkSstV3(context: PreflightContext, target: Target): Promise<SstBootstrapResult> {
  const name = "/sst/bootstrap";
  const facts: Record<string, unknown> = { parameter: name, version: null, stateBucket: null };
  const read = await getParameter(context, target.region, name);
  if (!read.ok) return { facts, findings: [readFailure(context, read.error, parameterArn(context, target, name), "SST's bootstrap")] };
  if (read.value === null) return { facts, findings: [{ status: "pass", state: "sst-missing", summary: `${name} does not exist yet; SST creates it on the first deploy` }] };

  let data: { version?: unknown; state?: unknown };
  try {
    data = JSON.parse(read.value) as { version?: unknown; state?: unknown };
  } catch {
    return {
      facts,
      findings: [{
        status: "fail",
        state: "sst-invalid",
        summary: `${name} in ${target.region} is not valid JSON, so SST cannot find its state bucket`,
        guidance: [`Inspect it: aws ssm get-parameter --name ${name} --region ${target.region}`],
      }],
    };
  }
  facts.version = data.version ?? null;
  facts.stateBucket = typeof data.state === "string" ? data.state : null;
  if (typeof data.state !== "string" || !data.state) {
    return { facts, findings: [{ status: "fail", state: "sst-invalid", summary: `${name} in ${target.region} names no state bucket ("state" is missing)` }] };
  }
  const findings = await bucketFinding(context, target, data.state, `the state bucket named by ${name}`, [
    `If the bucket was deleted on purpose, delete the parameter so SST bootstraps again: aws ssm delete-parameter --name ${name} --region ${target.region}`,
    "The state of every app in this region is lost with the bucket; resources must then be imported or removed by hand.",
  ]);
  return { facts, findings: findings.length > 0 ? findings : [{ status: "pass", state: "sst-healthy", summary: `${name} is version ${String(data.version)} with state bucket ${data.state}` }] };
}
