// Writes policy documents from requirements: one statement per concern with a readable
// Sid, and the commands that attach the document to a user or role.
import type { PolicyDocument, PolicyStatement } from "./policy-document.js";
import { mergeRequirements, serviceOf, type Requirement } from "./requirements.js";

/** A policy document in the form IAM stores it: single values are not wrapped in lists. */
export interface WrittenPolicy {
  Version: "2012-10-17";
  Statement: Array<{ Sid: string; Effect: "Allow"; Action: string | string[]; Resource: string | string[] }>;
}

// IAM's quota for a customer managed policy, counted without whitespace.
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Returns a policy that grants every requirement, one statement per Sid. Actions that
 * another statement already grants as `service:*` on every resource are left out.
 */
export function writePolicy(requirements: Requirement[]): WrittenPolicy {
  const merged = mergeRequirements(requirements).map((requirement) => ({
    sid: requirement.sid,
    actions: requirement.grant ?? requirement.actions,
    resources: requirement.resources.includes("*") ? ["*"] : [...new Set(requirement.resources)].sort(),
  }));
  const wildcardsOnEveryResource = merged.filter((entry) => entry.resources[0] === "*").flatMap((entry) => entry.actions.filter(isWildcard));
  const allServices = wildcardsOnEveryResource.includes("*");
  const fullServices = new Set(wildcardsOnEveryResource.map(serviceOf));
  const isCovered = (action: string) => !isWildcard(action) && (allServices || fullServices.has(serviceOf(action)));

  const statements = merged
    .map((entry) => ({ ...entry, actions: entry.actions.filter((action) => !isCovered(action)) }))
    .filter((entry) => entry.actions.length > 0)
    .map((entry) => ({
      Sid: entry.sid,
      Effect: "Allow" as const,
      Action: collapse(entry.actions.includes("*") ? ["*"] : sortActions(entry.actions)),
      Resource: collapse(entry.resources),
    }));
  return { Version: "2012-10-17", Statement: statements };
}

function isWildcard(action: string): boolean {
  return action === "*" || action.endsWith(":*");
}

/** One requirement's action that was denied on one resource. */
export interface DeniedAction {
  requirement: Requirement;
  action: string;
  resource: string;
}

/**
 * Returns a policy that grants exactly what was denied. A requirement that grants more
 * than it simulates (a service's typical actions stand for `service:*`) grants its whole grant.
 */
export function writeMissingPolicy(denied: DeniedAction[]): WrittenPolicy {
  const parts: Requirement[] = [];
  for (const { requirement, action, resource } of denied) {
    const grantsWhole = requirement.grant !== undefined;
    parts.push({
      sid: requirement.sid,
      purpose: requirement.purpose,
      actions: grantsWhole ? requirement.grant! : [action],
      resources: grantsWhole ? requirement.resources : [resource],
    });
  }
  return writePolicy(parts);
}

/** Returns a policy statement list as the normalized document the evaluator reads. */
export function toPolicyDocument(policy: WrittenPolicy): PolicyDocument {
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
  const statements: PolicyStatement[] = policy.Statement.map((statement) => ({
    Sid: statement.Sid,
    Effect: "Allow",
    Action: list(statement.Action),
    Resource: list(statement.Resource),
  }));
  return { Version: policy.Version, Statement: statements };
}

/** The IAM entity a policy is attached to. */
export interface PolicyTarget {
  type: "user" | "role";
  name: string;
  account: string;
  partition: string;
}

/** Returns the AWS CLI commands that create `policyName` from `file` and attach it to `target`. */
export function attachCommands(target: PolicyTarget, policyName: string, file: string): string[] {
  const policyArn = `arn:${target.partition}:iam::${target.account}:policy/${policyName}`;
  return [
    `aws iam create-policy --policy-name ${policyName} --policy-document file://${file}`,
    `aws iam attach-${target.type}-policy --${target.type}-name ${target.name} --policy-arn ${policyArn}`,
  ];
}

/** Returns the size IAM counts against the managed-policy quota. */
export function policySize(policy: WrittenPolicy): number {
  return JSON.stringify(policy).replace(/\s/g, "").length;
}

/** Formats a policy as indented JSON, as people save it to a file. */
export function formatPolicy(policy: WrittenPolicy): string {
  return JSON.stringify(policy, null, 2);
}

function collapse(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

// Sorting by service, then by name, keeps each service's actions together.
function sortActions(actions: string[]): string[] {
  return [...new Set(actions)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}
