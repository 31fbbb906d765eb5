// Simulates a set of requirements: requirements with the same resources and region
// share calls, so the number of calls follows the distinct actions, not the stacks.
import type { AwsCallError } from "../../plugin/aws/call.js";
import type { Requirement } from "./requirements.js";
import { simulatePrincipal, type ActionDecision, type SimulateOptions } from "./simulate.js";

export interface RequirementDecision extends ActionDecision {
  requirement: Requirement;
}

export interface Unevaluated {
  requirement: Requirement;
  actions: string[];
  /** Reason the actions have no decision, shown in the report. */
  reason: string;
  error?: AwsCallError;
}

export interface Evaluation {
  decisions: RequirementDecision[];
  /** Actions without a decision, with the failure that prevented it. */
  unevaluated: Unevaluated[];
  /** SimulatePrincipalPolicy requests sent. */
  requests: number;
}

type EvaluateContext = Parameters<typeof simulatePrincipal>[0];

interface Group {
  resources: string[];
  region: string | undefined;
  context: Record<string, string[]>;
  requirements: Requirement[];
}

/** Simulates every requirement for `principalArn` and maps the decisions back to them. */
export async function evaluateRequirements(
  context: EvaluateContext,
  principalArn: string,
  requirements: Requirement[],
  options: SimulateOptions = {},
): Promise<Evaluation> {
  const evaluation: Evaluation = { decisions: [], unevaluated: [], requests: 0 };
  const groups = groupRequirements(requirements);
  const [first, ...rest] = groups;
  if (!first) return evaluation;

  // The first group runs alone: when the simulation itself is denied, the others are not sent.
  const denied = await evaluateGroup(context, principalArn, first, options, evaluation);
  if (denied) {
    for (const group of rest) {
      for (const requirement of group.requirements) {
        evaluation.unevaluated.push({ requirement, actions: requirement.actions, reason: denied.message, error: denied });
      }
    }
    return evaluation;
  }

  let next = 0;
  const worker = async () => {
    while (next < rest.length) await evaluateGroup(context, principalArn, rest[next++]!, options, evaluation);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_GROUPS, rest.length) }, worker));
  return evaluation;
}

// Groups in flight at once; each also sends its own batches in parallel.
const CONCURRENT_GROUPS = 3;
const FINAL_KINDS = new Set(["access-denied", "expired-token", "invalid-token", "signature"]);

/** Simulates one group into `evaluation`; returns the error when the simulation call itself was refused. */
async function evaluateGroup(
  context: EvaluateContext,
  principalArn: string,
  group: Group,
  options: SimulateOptions,
  evaluation: Evaluation,
): Promise<AwsCallError | undefined> {
  const actions = [...new Set(group.requirements.flatMap((requirement) => requirement.actions))];
  const contextEntries = [
    ...(group.region ? [{ ContextKeyName: "aws:RequestedRegion", ContextKeyValues: [group.region], ContextKeyType: "string" as const }] : []),
    ...Object.entries(group.context).map(([name, values]) => ({ ContextKeyName: name, ContextKeyValues: values, ContextKeyType: values.length > 1 ? ("stringList" as const) : ("string" as const) })),
  ];
  const result = await simulatePrincipal(context, principalArn, actions, group.resources, { ...options, contextEntries });
  evaluation.requests += result.requests;

  const byAction = new Map<string, ActionDecision[]>();
  for (const decision of result.decisions) {
    const key = decision.action.toLowerCase();
    byAction.set(key, [...(byAction.get(key) ?? []), decision]);
  }
  const failureOf = (action: string) => result.failures.find((failure) => failure.actions.includes(action))?.error;

  for (const requirement of group.requirements) {
    const missing: string[] = [];
    for (const action of requirement.actions) {
      const found = byAction.get(action.toLowerCase()) ?? [];
      if (found.length === 0) {
        missing.push(action);
        continue;
      }
      for (const resource of requirement.resources) {
        // IAM may name a resource differently than requested; the strictest decision then applies.
        const decision = found.find((candidate) => candidate.resource === resource) ?? strictest(found);
        evaluation.decisions.push({ ...decision, resource, requirement });
      }
    }
    if (missing.length > 0) {
      const error = failureOf(missing[0]!);
      evaluation.unevaluated.push({ requirement, actions: missing, reason: error?.message ?? "IAM returned no result for them", ...(error ? { error } : {}) });
    }
  }

  const refused = result.failures.find((failure) => FINAL_KINDS.has(failure.error.kind));
  return result.decisions.length === 0 ? refused?.error : undefined;
}

function groupRequirements(requirements: Requirement[]): Group[] {
  const groups = new Map<string, Group>();
  for (const requirement of requirements) {
    const resources = [...new Set(requirement.resources)].sort();
    const context = requirement.context ?? {};
    const key = `${requirement.region ?? ""}|${resources.join(" ")}|${JSON.stringify(context)}`;
    const group = groups.get(key) ?? { resources, region: requirement.region, context, requirements: [] };
    group.requirements.push(requirement);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function strictest(decisions: ActionDecision[]): ActionDecision {
  const rank = { explicitDeny: 0, implicitDeny: 1, allowed: 2 } as const;
  return [...decisions].sort((a, b) => rank[a.decision] - rank[b.decision])[0]!;
}
