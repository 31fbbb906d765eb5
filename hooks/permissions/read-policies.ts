// Reads the caller's own IAM policies for the fallback evaluator: inline and attached
// policies of the user and its groups, or of the role, and the permissions boundary.
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from "@aws-sdk/client-iam";
import { callAws } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import type { NamedPolicy } from "./evaluator.js";
import { parsePolicyDocument } from "./policy-document.js";

export interface CallerPolicies {
  identity: NamedPolicy[];
  boundary?: NamedPolicy;
}

/** The IAM read actions the fallback needs, for guidance when one is denied. */
export const FALLBACK_ACTIONS = {
  user: ["iam:GetUser", "iam:ListUserPolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser",
    "iam:ListGroupPolicies", "iam:GetGroupPolicy", "iam:ListAttachedGroupPolicies", "iam:GetPolicy", "iam:GetPolicyVersion"],
  role: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion"],
};

type ReadContext = Pick<PreflightContext, "aws" | "signal" | "awsCallTimeoutMs">;
// Commands of many operations go through one helper, so it types them loosely.
type LooseCommand = object;
type LooseSend = <Output>(command: LooseCommand, options: { abortSignal: AbortSignal }) => Promise<Output>;
type Send = <Output>(action: string, command: LooseCommand) => Promise<Output>;

/** Reads every policy that applies to the user or role `name`; throws AwsCallError when a read is denied. */
export async function readCallerPolicies(context: ReadContext, type: "user" | "role", name: string): Promise<CallerPolicies> {
  const iam = await context.aws.iam();
  const looseSend = iam.send.bind(iam) as unknown as LooseSend;
  const send: Send = <Output>(action: string, command: LooseCommand) =>
    callAws(action, (abortSignal) => looseSend<Output>(command, { abortSignal }), { timeoutMs: context.awsCallTimeoutMs, signal: context.signal });
  return type === "user" ? readUser(send, name) : readRole(send, name);
}

async function readUser(send: Send, userName: string): Promise<CallerPolicies> {
  const user = await send<{ User?: { PermissionsBoundary?: { PermissionsBoundaryArn?: string } } }>("iam:GetUser", new GetUserCommand({ UserName: userName }));
  const identity: NamedPolicy[] = [];
  for (const policyName of await listAll(send, "iam:ListUserPolicies", (Marker) => new ListUserPoliciesCommand({ UserName: userName, Marker }), "PolicyNames")) {
    const output = await send<{ PolicyDocument?: string }>("iam:GetUserPolicy", new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName as string }));
    identity.push(decode(`inline policy ${policyName} of user ${userName}`, output.PolicyDocument));
  }
  for (const attached of await listAll(send, "iam:ListAttachedUserPolicies", (Marker) => new ListAttachedUserPoliciesCommand({ UserName: userName, Marker }), "AttachedPolicies")) {
    identity.push(await readManaged(send, (attached as { PolicyArn: string }).PolicyArn, `attached to user ${userName}`));
  }
  for (const group of await listAll(send, "iam:ListGroupsForUser", (Marker) => new ListGroupsForUserCommand({ UserName: userName, Marker }), "Groups")) {
    const groupName = (group as { GroupName: string }).GroupName;
    for (const policyName of await listAll(send, "iam:ListGroupPolicies", (Marker) => new ListGroupPoliciesCommand({ GroupName: groupName, Marker }), "PolicyNames")) {
      const output = await send<{ PolicyDocument?: string }>("iam:GetGroupPolicy", new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName as string }));
      identity.push(decode(`inline policy ${policyName} of group ${groupName}`, output.PolicyDocument));
    }
    for (const attached of await listAll(send, "iam:ListAttachedGroupPolicies", (Marker) => new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker }), "AttachedPolicies")) {
      identity.push(await readManaged(send, (attached as { PolicyArn: string }).PolicyArn, `attached to group ${groupName}`));
    }
  }
  const boundaryArn = user.User?.PermissionsBoundary?.PermissionsBoundaryArn;
  return { identity, ...(boundaryArn ? { boundary: await readManaged(send, boundaryArn, `permissions boundary of user ${userName}`) } : {}) };
}

async function readRole(send: Send, roleName: string): Promise<CallerPolicies> {
  const role = await send<{ Role?: { PermissionsBoundary?: { PermissionsBoundaryArn?: string } } }>("iam:GetRole", new GetRoleCommand({ RoleName: roleName }));
  const identity: NamedPolicy[] = [];
  for (const policyName of await listAll(send, "iam:ListRolePolicies", (Marker) => new ListRolePoliciesCommand({ RoleName: roleName, Marker }), "PolicyNames")) {
    const output = await send<{ PolicyDocument?: string }>("iam:GetRolePolicy", new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName as string }));
    identity.push(decode(`inline policy ${policyName} of role ${roleName}`, output.PolicyDocument));
  }
  for (const attached of await listAll(send, "iam:ListAttachedRolePolicies", (Marker) => new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }), "AttachedPolicies")) {
    identity.push(await readManaged(send, (attached as { PolicyArn: string }).PolicyArn, `attached to role ${roleName}`));
  }
  const boundaryArn = role.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  return { identity, ...(boundaryArn ? { boundary: await readManaged(send, boundaryArn, `permissions boundary of role ${roleName}`) } : {}) };
}

async function readManaged(send: Send, policyArn: string, where: string): Promise<NamedPolicy> {
  const policy = await send<{ Policy?: { DefaultVersionId?: string } }>("iam:GetPolicy", new GetPolicyCommand({ PolicyArn: policyArn }));
  const versionId = policy.Policy?.DefaultVersionId ?? "v1";
  const version = await send<{ PolicyVersion?: { Document?: string } }>("iam:GetPolicyVersion", new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
  return decode(`managed policy ${policyArn} (${versionId}) ${where}`, version.PolicyVersion?.Document);
}

async function listAll(
  send: Send,
  action: string,
  command: (marker: string | undefined) => LooseCommand,
  field: string,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let marker: string | undefined;
  do {
    const page = await send<Record<string, unknown> & { IsTruncated?: boolean; Marker?: string }>(action, command(marker));
    items.push(...((page[field] as unknown[] | undefined) ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return items;
}

// IAM returns policy documents URL-encoded (RFC 3986).
function decode(name: string, encoded: string | undefined): NamedPolicy {
  const text = encoded === undefined ? "" : safeDecode(encoded);
  return { name, document: parsePolicyDocument(text, name) };
}

function safeDecode(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
