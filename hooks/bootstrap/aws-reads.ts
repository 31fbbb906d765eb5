// The read-only AWS calls of the bootstrap check. Each returns the value, null for
// "does not exist", or the classified error, so that callers decide what a denial means.
import { DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { GetParameterCommand, GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { AwsCallError, callAws } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";

export type Read<T> = { ok: true; value: T } | { ok: false; error: AwsCallError };

async function read<T>(context: PreflightContext, action: string, send: (abortSignal: AbortSignal) => Promise<T>, absent?: (error: AwsCallError) => boolean): Promise<Read<T | null>> {
  try {
    return { ok: true, value: await callAws(action, send, { timeoutMs: context.awsCallTimeoutMs, signal: context.signal }) };
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error;
    if (absent?.(error)) return { ok: true, value: null };
    return { ok: false, error };
  }
}

/** Returns the stack, or null when no stack of that name exists (deleted stacks are not returned by name). */
export async function describeStack(context: PreflightContext, region: string, stackName: string): Promise<Read<Stack | null>> {
  const client = await context.aws.cloudformation(region);
  const result = await read(
    context,
    "cloudformation:DescribeStacks",
    (abortSignal) => client.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal }),
    (error) => error.code === "ValidationError" && /does not exist/i.test(error.message),
  );
  if (!result.ok || result.value === null) return result as Read<null>;
  return { ok: true, value: result.value.Stacks?.[0] ?? null };
}

/** Returns the parameter's value, or null when it does not exist. */
export async function getParameter(context: PreflightContext, region: string, name: string): Promise<Read<string | null>> {
  const client = await context.aws.ssm(region);
  const result = await read(
    context,
    "ssm:GetParameter",
    (abortSignal) => client.send(new GetParameterCommand({ Name: name }), { abortSignal }),
    (error) => error.kind === "not-found",
  );
  if (!result.ok || result.value === null) return result as Read<null>;
  return { ok: true, value: result.value.Parameter?.Value ?? null };
}

/** Returns the names and values of the parameters under `path`, first page only. */
export async function parametersByPath(context: PreflightContext, region: string, path: string): Promise<Read<Array<{ name: string; value: string }>>> {
  const client = await context.aws.ssm(region);
  const result = await read(context, "ssm:GetParametersByPath", (abortSignal) =>
    client.send(new GetParametersByPathCommand({ Path: path, Recursive: true }), { abortSignal }),
  );
  if (!result.ok) return result;
  const parameters = (result.value?.Parameters ?? []).map((parameter) => ({ name: parameter.Name ?? "", value: parameter.Value ?? "" }));
  return { ok: true, value: parameters };
}

/** Returns whether the bucket exists. A redirect to another region (HTTP 301) still means it exists. */
export async function bucketExists(context: PreflightContext, region: string, bucket: string): Promise<Read<boolean>> {
  const client = await context.aws.s3(region);
  const result = await read(context, "s3:ListBucket", (abortSignal) => client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }));
  if (result.ok) return { ok: true, value: true };
  if (result.error.httpStatus === 301) return { ok: true, value: true };
  if (result.error.kind === "not-found" || result.error.httpStatus === 404) return { ok: true, value: false };
  return result;
}

/** Returns whether the IAM role exists. */
export async function roleExists(context: PreflightContext, roleName: string): Promise<Read<boolean>> {
  const client = await context.aws.iam();
  const result = await read(
    context,
    "iam:GetRole",
    (abortSignal) => client.send(new GetRoleCommand({ RoleName: roleName }), { abortSignal }),
    (error) => error.kind === "not-found",
  );
  if (!result.ok) return result;
  return { ok: true, value: result.value !== null };
}
