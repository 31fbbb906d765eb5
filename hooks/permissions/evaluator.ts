// A small evaluator of identity policies for the fallback path: Allow and Deny,
// Action/NotAction, Resource/NotResource and wildcards. Statements with conditions or
// policy variables are not evaluated, so they make the result "conditional".
import type { PolicyDocument, PolicyStatement } from "./policy-document.js";
import type { DenialReason } from "./simulate.js";

export interface NamedPolicy {
  /** Policy and its attachment, such as "inline policy deployer of user bob". */
  name: string;
  document: PolicyDocument;
}

export type LocalDecision = "allowed" | "explicitDeny" | "implicitDeny" | "conditional";

export interface LocalResult {
  decision: LocalDecision;
  reasons: DenialReason[];
  /** Statements that matched but whose conditions were not evaluated. */
  conditionalStatements: string[];
}

type Match = "yes" | "maybe" | "no";

/** Evaluates `action` on `resource` against identity policies and an optional permissions boundary. */
export function evaluateLocally(action: string, resource: string, identity: NamedPolicy[], boundary?: NamedPolicy): LocalResult {
  const conditional: string[] = [];
  const scan = (policies: NamedPolicy[], effect: "Allow" | "Deny"): Match => {
    let result: Match = "no";
    for (const policy of policies) {
      policy.document.Statement.forEach((statement, index) => {
        if (statement.Effect !== effect) return;
        const match = statementMatches(statement, action, resource);
        if (match === "no") return;
        if (match === "maybe") conditional.push(`${policy.name}, statement ${statement.Sid ?? index}`);
        if (result !== "yes") result = match;
      });
    }
    return result;
  };

  const denied = scan(identity, "Deny");
  const boundaryDenies = boundary ? scan([boundary], "Deny") : "no";
  if (denied === "yes" || boundaryDenies === "yes") {
    const reasons: DenialReason[] = denied === "yes" ? ["explicit-deny"] : ["explicit-deny", "boundary"];
    return { decision: "explicitDeny", reasons, conditionalStatements: conditional };
  }

  const allowed = scan(identity, "Allow");
  const boundaryAllows: Match = boundary ? scan([boundary], "Allow") : "yes";
  const reasons: DenialReason[] = [];
  if (allowed === "no") reasons.push("no-allow");
  if (boundaryAllows === "no") reasons.push("boundary");
  if (reasons.length > 0) return { decision: "implicitDeny", reasons, conditionalStatements: conditional };
  if (allowed === "maybe" || boundaryAllows === "maybe" || denied === "maybe" || boundaryDenies === "maybe") {
    return { decision: "conditional", reasons: [], conditionalStatements: conditional };
  }
  return { decision: "allowed", reasons: [], conditionalStatements: conditional };
}

function statementMatches(statement: PolicyStatement, action: string, resource: string): Match {
  const actionMatches = statement.Action
    ? statement.Action.some((pattern) => wildcardMatch(pattern, action, true))
    : !statement.NotAction!.some((pattern) => wildcardMatch(pattern, action, true));
  if (!actionMatches) return "no";

  const patterns = statement.Resource ?? statement.NotResource ?? ["*"];
  // Policy variables such as ${aws:username} depend on the request, like conditions do.
  const hasVariables = patterns.some((pattern) => pattern.includes("${"));
  const listed = patterns.some((pattern) => wildcardMatch(pattern, resource, false));
  const resourceMatches = statement.NotResource ? !listed : listed;
  if (!resourceMatches && !hasVariables) return "no";
  if (hasVariables || (statement.Condition && Object.keys(statement.Condition).length > 0)) return "maybe";
  return "yes";
}

/** Matches IAM wildcards: `*` any run of characters, `?` one character. Actions ignore case. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split("").map(wildcardToRegExpSource).join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function wildcardToRegExpSource(character: string): string {
  if (character === "*") return ".*";
  if (character === "?") return ".";
  return character.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}
