// Reads roles and their policies from IAM, each call with the run's timeout.
// Failures reject with AwsCallError so that callers can tell a denial from a missing role.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { AwsCallError, callAws } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { parsePolicyDocument, type Statement } from "./policy-document.js";

export interface RoleFacts {
  arn: string;
  /** The trust policy as IAM returns it (URL-encoded JSON). */
  trustPolicy: string;
  permissionsBoundaryArn?: string;
}

export interface RolePolicy {
  /** "inline policy default" or "managed policy arn:aws:iam::aws:policy/...". */
  label: string;
  statements: Statement[];
}

// More pages than any real role has; a guard against a service that never stops paging.
const MAX_PAGES = 20;

type Iam = Awaited<ReturnType<PreflightContext["aws"]["iam"]>>;

function send<Output>(context: PreflightContext, action: string, call: (iam: Iam, abortSignal: AbortSignal) => Promise<Output>): Promise<Output> {
  return context.aws.iam().then((iam) =>
    callAws(action, (abortSignal) => call(iam, abortSignal), { timeoutMs: context.awsCallTimeoutMs, signal: context.signal }),
  );
}

/** Calls iam:GetRole. Rejects with an AwsCallError of kind "not-found" when the role does not exist. */
export async function getRole(context: PreflightContext, roleName: string): Promise<RoleFacts> {
  const output = await send(context, "iam:GetRole", (iam, abortSignal) => iam.send(new GetRoleCommand({ RoleName: roleName }), { abortSignal }));
  const role = output.Role;
  if (!role?.Arn) throw new AwsCallError("iam:GetRole", "malformed-response", undefined, `iam:GetRole returned no role for ${roleName}`, undefined);
  return {
    arn: role.Arn,
    trustPolicy: role.AssumeRolePolicyDocument ?? "",
    ...(role.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn } : {}),
  };
}

/** Reads every inline and attached managed policy of a role. */
export async function readRolePolicies(context: PreflightContext, roleName: string): Promise<RolePolicy[]> {
  const [inline, attached] = await Promise.all([readInlinePolicies(context, roleName), readAttachedPolicies(context, roleName)]);
  return [...inline, ...attached];
}

async function readInlinePolicies(context: PreflightContext, roleName: string): Promise<RolePolicy[]> {
  const names: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await send(context, "iam:ListRolePolicies", (iam, abortSignal) =>
      iam.send(new ListRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }), { abortSignal }),
    );
    names.push(...(output.PolicyNames ?? []));
    marker = output.IsTruncated ? output.Marker : undefined;
    if (!marker) break;
  }
  return Promise.all(
    names.map(async (name) => {
      const output = await send(context, "iam:GetRolePolicy", (iam, abortSignal) =>
        iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }), { abortSignal }),
      );
      const label = `inline policy ${name}`;
      return { label, statements: parsePolicyDocument(output.PolicyDocument ?? "", `${label} of role ${roleName}`) };
    }),
  );
}

async function readAttachedPolicies(context: PreflightContext, roleName: string): Promise<RolePolicy[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await send(context, "iam:ListAttachedRolePolicies", (iam, abortSignal) =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }), { abortSignal }),
    );
    arns.push(...(output.AttachedPolicies ?? []).flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])));
    marker = output.IsTruncated ? output.Marker : undefined;
    if (!marker) break;
  }
  return Promise.all(
    arns.map(async (arn) => {
      const policy = await send(context, "iam:GetPolicy", (iam, abortSignal) => iam.send(new GetPolicyCommand({ PolicyArn: arn }), { abortSignal }));
      const versionId = policy.Policy?.DefaultVersionId;
      if (!versionId) throw new Error(`iam:GetPolicy returned no default version for ${arn}`);
      const version = await send(context, "iam:GetPolicyVersion", (iam, abortSignal) =>
        iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }), { abortSignal }),
      );
      const label = `managed policy ${arn}`;
      return { label, statements: parsePolicyDocument(version.PolicyVersion?.Document ?? "", label) };
    }),
  );
}
