// The fallback when iam:SimulatePrincipalPolicy is denied: read the caller's own
// policies and evaluate them locally. It cannot see organization, session or resource
// policies, so its best outcome is a warning, never a pass.
import { AwsCallError } from "../../plugin/aws/call.js";
import { describeError } from "../../plugin/errors.js";
import type { HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import type { Evaluation } from "./evaluate.js";
import { evaluateLocally } from "./evaluator.js";
import { buildOutcome, type OutcomeInput } from "./guidance.js";
import { PolicyDocumentError } from "./policy-document.js";
import { distinctActions } from "./requirements.js";
import { FALLBACK_ACTIONS, readCallerPolicies, type CallerPolicies } from "./read-policies.js";

const BLIND_SPOTS = "organization policies (SCPs), session policies and resource-based policies";

/** Evaluates the requirements against the caller's own policies and returns the outcome. */
export async function runFallback(context: PreflightContext, input: Omit<OutcomeInput, "evaluation">): Promise<HookOutcome> {
  const { target, set } = input;
  let policies: CallerPolicies;
  try {
    policies = await readCallerPolicies(context, target.type, target.name);
  } catch (error) {
    const denied = error instanceof AwsCallError && error.kind === "access-denied";
    const reason = error instanceof PolicyDocumentError ? error.message : describeError(error);
    return {
      status: "unknown",
      summary: `the fallback could not read the policies of ${target.arn}: ${denied ? `${(error as AwsCallError).action} was denied` : reason}`,
      details: [...input.details, `fallback error: ${reason}`],
      guidance: [`Allow ${target.arn} to call iam:SimulatePrincipalPolicy on itself, or to read its own policies (${FALLBACK_ACTIONS[target.type].join(", ")}).`],
      data: { strategy: set.strategy, principal: target.arn, fallback: true },
    };
  }

  const evaluation: Evaluation = { decisions: [], unevaluated: [], requests: 0 };
  for (const requirement of set.requirements) {
    const conditional: string[] = [];
    let conditionSources: string[] = [];
    for (const action of requirement.actions) {
      for (const resource of requirement.resources) {
        const result = evaluateLocally(action, resource, policies.identity, policies.boundary);
        if (result.decision === "conditional") {
          conditional.push(action);
          conditionSources = [...new Set([...conditionSources, ...result.conditionalStatements])];
          continue;
        }
        evaluation.decisions.push({ action, resource, decision: result.decision, reasons: result.reasons, matchedPolicies: [], missingContextKeys: [], requirement });
      }
    }
    if (conditional.length > 0) {
      const reason = `conditions or policy variables were not evaluated (${conditionSources.join("; ")})`;
      evaluation.unevaluated.push({ requirement, actions: [...new Set(conditional)], reason });
    }
  }

  const policyNames = [...policies.identity, ...(policies.boundary ? [policies.boundary] : [])].map((policy) => policy.name);
  const details = [...input.details, `fallback: evaluated ${policyNames.length} own polic${policyNames.length === 1 ? "y" : "ies"} locally: ${policyNames.join("; ") || "none"}`, `not evaluated: ${BLIND_SPOTS}`];
  const outcome = buildOutcome({ ...input, details, evaluation, fallback: true });
  const data = { ...outcome.data, fallback: true };
  if (outcome.status === "pass") {
    return {
      status: "warn",
      summary: `the caller's own policies allow all ${distinctActions(set.requirements).length} actions, but ${BLIND_SPOTS} were not evaluated`,
      details: outcome.details ?? [],
      guidance: [`For a complete check, allow ${target.arn} to call iam:SimulatePrincipalPolicy on itself.`],
      data,
    };
  }
  return { ...outcome, data };
}
