// Evaluates iam:PassRole on one role from a role's own policies, for when the
// simulator may not be called. It reads Action, Resource and Effect, and of the
// conditions only iam:PassedToService; any other condition is reported, not decided.
import type { RolePolicy } from "./iam-read.js";
import { coversAction, coversResource, describeCondition, matchesPattern, type Statement } from "./policy-document.js";
import { CLOUDFORMATION_PRINCIPAL } from "./trust.js";

export interface StaticPassRole {
  decision: "allowed" | "explicitDeny" | "implicitDeny" | "conditional";
  /** Labels of the policies that decided, such as "inline policy default". */
  deciding: string[];
  /** Conditions that could not be decided, one line each. */
  conditions: string[];
  /** Resources of every Allow statement for iam:PassRole, to show what the principal may pass. */
  passableRoles: string[];
}

export function evaluatePassRoleStatically(policies: RolePolicy[], roleArn: string): StaticPassRole {
  const allows: string[] = [];
  const denies: string[] = [];
  const conditions: string[] = [];
  const passableRoles = new Set<string>();

  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (!coversAction(statement, "iam:PassRole")) continue;
      if (statement.effect === "Allow") for (const resource of statement.resources ?? []) passableRoles.add(resource);
      if (!coversResource(statement, roleArn)) continue;
      const met = evaluateCondition(statement);
      if (met === false) continue;
      if (met === undefined) {
        conditions.push(`${statement.effect} in ${policy.label} when ${describeCondition(statement.condition ?? {})}`);
        continue;
      }
      (statement.effect === "Deny" ? denies : allows).push(policy.label);
    }
  }

  const result = { conditions, passableRoles: [...passableRoles] };
  if (denies.length > 0) return { ...result, decision: "explicitDeny", deciding: unique(denies) };
  if (conditions.length > 0) return { ...result, decision: "conditional", deciding: [] };
  if (allows.length > 0) return { ...result, decision: "allowed", deciding: unique(allows) };
  return { ...result, decision: "implicitDeny", deciding: [] };
}

/** True or false when every condition is on iam:PassedToService; undefined when another key is tested. */
function evaluateCondition(statement: Statement): boolean | undefined {
  if (!statement.condition) return true;
  for (const [operator, keys] of Object.entries(statement.condition)) {
    if (!keys || typeof keys !== "object") return undefined;
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (key.toLowerCase() !== "iam:passedtoservice") return undefined;
      const values = (Array.isArray(value) ? value : [value]).map(String);
      const base = operator.replace(/^ForAnyValue:|^ForAllValues:/, "").replace(/IfExists$/, "");
      let matches: boolean;
      if (base === "StringEquals") matches = values.includes(CLOUDFORMATION_PRINCIPAL);
      else if (base === "StringLike") matches = values.some((pattern) => matchesPattern(pattern, CLOUDFORMATION_PRINCIPAL));
      else if (base === "StringNotEquals") matches = !values.includes(CLOUDFORMATION_PRINCIPAL);
      else if (base === "StringNotLike") matches = !values.some((pattern) => matchesPattern(pattern, CLOUDFORMATION_PRINCIPAL));
      else return undefined;
      if (!matches) return false;
    }
  }
  return true;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
