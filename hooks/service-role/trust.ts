// Decides whether a role's trust policy lets CloudFormation assume it. Conditions
// are reported as they are written, because CloudFormation's request context
// cannot be known before the deploy.
import { coversAction, describeCondition, type Statement } from "./policy-document.js";

export const CLOUDFORMATION_PRINCIPAL = "cloudformation.amazonaws.com";

export interface TrustVerdict {
  /** trusted: an unconditional Allow; conditional: only Allows with conditions; denied: a Deny applies; missing: no Allow. */
  status: "trusted" | "conditional" | "denied" | "missing";
  /** Conditions of the statements that decide the verdict, one line each. */
  conditions: string[];
  /** Principals that the role trusts, for messages such as "trusts only lambda.amazonaws.com". */
  trustedPrincipals: string[];
  /** True when an Allow names every principal ("*"), which also lets CloudFormation in. */
  anyPrincipal: boolean;
}

export function evaluateTrust(statements: Statement[]): TrustVerdict {
  const trustedPrincipals = new Set<string>();
  const allows: Statement[] = [];
  const denies: Statement[] = [];
  let anyPrincipal = false;

  for (const statement of statements) {
    if (!coversAction(statement, "sts:AssumeRole")) continue;
    if (statement.effect === "Allow") {
      for (const name of principalNames(statement.principal)) trustedPrincipals.add(name);
      if (!namesCloudFormation(statement.principal)) continue;
      if (statement.principal === "*" || statement.principal?.AWS?.includes("*")) anyPrincipal = true;
      allows.push(statement);
    } else if (denyApplies(statement)) {
      denies.push(statement);
    }
  }

  const verdict = { trustedPrincipals: [...trustedPrincipals], anyPrincipal };
  const unconditionalDeny = denies.find((statement) => !statement.condition);
  if (unconditionalDeny) return { ...verdict, status: "denied", conditions: [] };
  const denyConditions = denies.map((statement) => `Deny when ${describeCondition(statement.condition ?? {})}`);

  if (allows.length === 0) return { ...verdict, status: "missing", conditions: [] };
  if (allows.some((statement) => !statement.condition) && denyConditions.length === 0) {
    return { ...verdict, status: "trusted", conditions: [] };
  }
  const allowConditions = allows
    .filter((statement) => statement.condition)
    .map((statement) => `Allow when ${describeCondition(statement.condition ?? {})}`);
  return { ...verdict, status: "conditional", conditions: [...allowConditions, ...denyConditions] };
}

function namesCloudFormation(principal: Statement["principal"]): boolean {
  if (principal === "*") return true;
  if (!principal) return false;
  if (principal.AWS?.includes("*")) return true;
  return (principal.Service ?? []).some((service) => service === CLOUDFORMATION_PRINCIPAL || service === `${CLOUDFORMATION_PRINCIPAL}.cn`);
}

function denyApplies(statement: Statement): boolean {
  if (statement.principal) return namesCloudFormation(statement.principal);
  // A Deny with NotPrincipal applies to every principal it does not list.
  if (statement.notPrincipal) return statement.notPrincipal !== "*" && !namesCloudFormation(statement.notPrincipal);
  return false;
}

function principalNames(principal: Statement["principal"]): string[] {
  if (!principal) return [];
  if (principal === "*") return ["*"];
  return Object.values(principal).flat();
}

/** Returns a trust statement that lets CloudFormation assume the role, for guidance. */
export function cloudFormationTrustStatement(): Record<string, unknown> {
  return { Effect: "Allow", Principal: { Service: CLOUDFORMATION_PRINCIPAL }, Action: "sts:AssumeRole" };
}
