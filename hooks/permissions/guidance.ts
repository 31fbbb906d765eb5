// Turns an evaluation into the check's outcome: denied actions by service with the
// reason, and the policy that grants exactly what is missing, with attach commands.
import type { HookOutcome } from "../../plugin/runner/types.js";
import type { Evaluation, RequirementDecision } from "./evaluate.js";
import { attachCommands, formatPolicy, MANAGED_POLICY_MAX_CHARS, policySize, writeMissingPolicy, type PolicyTarget, type WrittenPolicy } from "./policy-writer.js";
import { distinctActions, serviceOf, type RequirementSet } from "./requirements.js";
import type { DenialReason } from "./simulate.js";

export interface OutcomeInput {
  set: RequirementSet;
  evaluation: Evaluation;
  /** The simulated user or role. */
  target: PolicyTarget & { arn: string };
  /** Lines shown before the findings: strategy, principal, notes. */
  details: string[];
  /** Name for the policy a team creates, such as "sst-preflight-dev". */
  policyName: string;
  /** True when the decisions come from the local evaluator instead of IAM. */
  fallback?: boolean;
}

const REASON_TEXT: Record<DenialReason, string> = {
  organization: "an organization policy (SCP) denies it",
  "explicit-deny": "an explicit Deny statement denies it",
  boundary: "the permissions boundary does not allow it",
  "no-allow": "no policy allows it",
};

/** Returns pass, warn, fail or unknown for an evaluation; never pass while an action is denied or unchecked. */
export function buildOutcome(input: OutcomeInput): HookOutcome {
  const { evaluation, set, target } = input;
  const denied = evaluation.decisions.filter((decision) => decision.decision !== "allowed");
  const conditional = evaluation.decisions.filter((decision) => decision.decision === "allowed" && decision.missingContextKeys.length > 0);
  const total = distinctActions(set.requirements).length;
  const method = input.fallback ? "evaluated locally" : `${evaluation.requests} SimulatePrincipalPolicy request${evaluation.requests === 1 ? "" : "s"}`;
  const details = [...input.details, `${total} distinct actions, ${method}`];
  const unevaluatedActions = [...new Set(evaluation.unevaluated.flatMap((entry) => entry.actions))];
  const data = {
    strategy: set.strategy,
    principal: target.arn,
    requests: evaluation.requests,
    denied: denied.map((decision) => ({ action: decision.action, resource: decision.resource, reasons: decision.reasons, sid: decision.requirement.sid, matchedPolicies: decision.matchedPolicies })),
    unevaluated: unevaluatedActions,
  };

  if (unevaluatedActions.length > 0) {
    const errors = [...new Set(evaluation.unevaluated.map((entry) => entry.reason))];
    details.push(`not checked (${unevaluatedActions.length}): ${unevaluatedActions.join(", ")}`, ...errors.map((error) => `reason: ${error}`));
  }

  if (denied.length > 0) {
    const distinctDenied = new Set(denied.map((decision) => decision.action)).size;
    const services = [...new Set(denied.map((decision) => serviceOf(decision.action)))].sort();
    details.push(...deniedLines(denied));
    const policies = fixPolicies(denied);
    return {
      status: "fail",
      summary: `${distinctDenied} of ${total} actions denied for ${target.arn} (${services.join(", ")})${primaryReasonSuffix(denied)}`,
      details,
      guidance: fixGuidance(policies, denied, input),
      data: { ...data, ...policies },
    };
  }

  if (unevaluatedActions.length > 0) {
    return {
      status: "unknown",
      summary: `${unevaluatedActions.length} of ${total} actions not checked for ${target.arn}`,
      details,
      guidance: [unevaluatedGuidance(evaluation, target.arn)],
      data,
    };
  }

  if (conditional.length > 0) {
    const keys = [...new Set(conditional.flatMap((decision) => decision.missingContextKeys))].sort();
    details.push(`allowed only under conditions on ${keys.join(", ")}, which the simulation had no values for: ${[...new Set(conditional.map((decision) => decision.action))].join(", ")}`);
    return {
      status: "warn",
      summary: `all ${total} actions are allowed for ${target.arn}, ${new Set(conditional.map((d) => d.action)).size} of them only under conditions that were not evaluated`,
      details,
      guidance: [`Check that the deploy meets the conditions on ${keys.join(", ")} in the caller's policies.`],
      data,
    };
  }

  return { status: "pass", summary: `all ${total} actions are allowed for ${target.arn} (strategy ${set.strategy})`, details, data };
}

/** Lines such as "apigateway: GET, POST: no policy allows it", one per service and reason. */
export function deniedLines(denied: Array<Pick<RequirementDecision, "action" | "reasons" | "matchedPolicies">>): string[] {
  const groups = new Map<string, { actions: Set<string>; reasons: DenialReason[]; policies: Set<string> }>();
  for (const decision of denied) {
    const key = `${serviceOf(decision.action)}|${decision.reasons.join(",")}`;
    const group = groups.get(key) ?? { actions: new Set(), reasons: decision.reasons, policies: new Set() };
    group.actions.add(decision.action.slice(decision.action.indexOf(":") + 1));
    if (decision.reasons.includes("explicit-deny")) decision.matchedPolicies.forEach((policy) => group.policies.add(policy));
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const reasons = group.reasons.map((reason) => REASON_TEXT[reason]).join("; ");
      const policies = group.policies.size > 0 ? ` (${[...group.policies].join(", ")})` : "";
      return `denied ${key.split("|")[0]}: ${[...group.actions].sort().join(", ")}: ${reasons}${policies}`;
    });
}

// Names the denials that a new Allow in an identity policy would not fix.
function primaryReasonSuffix(denied: RequirementDecision[]): string {
  const actionsWith = (test: (reasons: DenialReason[]) => boolean) => new Set(denied.filter((decision) => test(decision.reasons)).map((decision) => decision.action)).size;
  const parts: string[] = [];
  const boundaryOnly = actionsWith((reasons) => reasons.includes("boundary") && !reasons.includes("no-allow"));
  if (boundaryOnly > 0) parts.push(`${boundaryOnly} denied by the permissions boundary, not by a missing allow`);
  const organization = actionsWith((reasons) => reasons.includes("organization"));
  if (organization > 0) parts.push(`${organization} denied by an organization policy`);
  const explicit = actionsWith((reasons) => reasons.includes("explicit-deny"));
  if (explicit > 0) parts.push(`${explicit} denied by an explicit Deny`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

interface FixPolicies {
  /** Policy that grants the actions no identity policy allows, to attach to the caller. */
  missingPolicy?: WrittenPolicy;
  /** The statements the permissions boundary must also allow. */
  boundaryPolicy?: WrittenPolicy;
}

// An identity policy fixes only a missing allow; a boundary denial needs the boundary changed.
function fixPolicies(denied: RequirementDecision[]): FixPolicies {
  const write = (decisions: RequirementDecision[]) =>
    decisions.length === 0 ? undefined : writeMissingPolicy(decisions.map(({ requirement, action, resource }) => ({ requirement, action, resource })));
  const missingPolicy = write(denied.filter((decision) => decision.reasons.includes("no-allow")));
  const boundaryPolicy = write(denied.filter((decision) => decision.reasons.includes("boundary")));
  return { ...(missingPolicy ? { missingPolicy } : {}), ...(boundaryPolicy ? { boundaryPolicy } : {}) };
}

function fixGuidance(policies: FixPolicies, denied: RequirementDecision[], input: OutcomeInput): string[] {
  const guidance: string[] = [];
  const { missingPolicy, boundaryPolicy } = policies;
  if (missingPolicy) {
    const file = `${input.policyName}.json`;
    guidance.push(`Save this policy as ${file}; it grants exactly the actions that no policy allows:\n${formatPolicy(missingPolicy)}`);
    const size = policySize(missingPolicy);
    if (size > MANAGED_POLICY_MAX_CHARS) {
      guidance.push(`The policy has ${size} characters without whitespace, more than the ${MANAGED_POLICY_MAX_CHARS} IAM allows for one managed policy; split its statements into two policies.`);
    }
    guidance.push(`Attach it to the ${input.target.type} ${input.target.name}:\n${attachCommands(input.target, input.policyName, file).join("\n")}`);
  }
  if (boundaryPolicy) {
    guidance.push(`The permissions boundary of the ${input.target.type} ${input.target.name} must allow these too; an identity policy alone does not help. Add to the boundary policy:\n${formatPolicy(boundaryPolicy)}`);
  }
  const reasons = new Set(denied.flatMap((decision) => decision.reasons));
  if (reasons.has("organization")) guidance.push("Actions denied by an organization policy (SCP) need a change in AWS Organizations by its administrators.");
  if (reasons.has("explicit-deny")) guidance.push("Remove or narrow the explicit Deny statements named above; no Allow overrides them.");
  return guidance;
}

function unevaluatedGuidance(evaluation: Evaluation, principalArn: string): string {
  const kinds = new Set(evaluation.unevaluated.map((entry) => entry.error?.kind));
  if (kinds.has("throttled")) return "Run the check again; if IAM keeps throttling, raise timeoutSeconds or run it when fewer jobs call IAM.";
  if (kinds.has("invalid-token")) {
    return "IAM rejected the session token. Sessions from sts:GetSessionToken without MFA cannot call IAM: add mfa_serial to the profile, or use aws-vault's --no-session.";
  }
  if (kinds.has("not-found")) return `IAM does not know ${principalArn}; if it is a role with a path, allow the caller iam:GetRole on it so that the check finds the path.`;
  if (evaluation.unevaluated.some((entry) => entry.reason.startsWith("conditions"))) {
    return "Check the conditional statements named above by hand, or allow the caller iam:SimulatePrincipalPolicy so that IAM evaluates them.";
  }
  return "Run the check again when the IAM endpoint works; the reason above says what failed.";
}
