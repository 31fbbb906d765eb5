// A generic client for iam:SimulatePrincipalPolicy: actions in batches, results
// followed across pages, throttling retried with backoff. Other checks (the service
// role's iam:PassRole) call simulatePrincipal too.
import {
  SimulatePrincipalPolicyCommand,
  type ContextEntry,
  type EvaluationResult,
  type SimulatePrincipalPolicyCommandOutput,
} from "@aws-sdk/client-iam";
import { AwsCallError, callAws, classifyAwsError } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { DEFAULT_RETRY, withBackoff, type RetryPolicy } from "./backoff.js";

/**
 * Actions per SimulatePrincipalPolicy call. The API documents no maximum; 50 keeps each
 * request and response small while a typical check still fits in one or two calls.
 */
export const SIMULATION_BATCH_SIZE = 50;
// The largest page the API allows. Results are per action, so one page contains a batch.
const MAX_ITEMS = 1000;
// Batches in flight at once; IAM throttles bursts of simulation calls.
const CONCURRENT_BATCHES = 3;

export type EvalDecision = "allowed" | "explicitDeny" | "implicitDeny";

/** Reason an action is denied; lists of them put the most specific first. */
export type DenialReason = "organization" | "explicit-deny" | "boundary" | "no-allow";

export interface ActionDecision {
  action: string;
  resource: string;
  decision: EvalDecision;
  /** Empty when allowed. */
  reasons: DenialReason[];
  /** IDs of the policies whose statements decided, such as "deployer-policy". */
  matchedPolicies: string[];
  /** Condition keys the policies use that the simulation had no value for. */
  missingContextKeys: string[];
}

export interface SimulationFailure {
  actions: string[];
  error: AwsCallError;
}

export interface SimulationResult {
  decisions: ActionDecision[];
  /** Batches that could not be simulated; their actions have no decision. */
  failures: SimulationFailure[];
  /** SimulatePrincipalPolicy requests sent, retries included. */
  requests: number;
}

export interface SimulateOptions {
  batchSize?: number;
  contextEntries?: ContextEntry[];
  retry?: RetryPolicy;
}

type SimulationContext = Pick<PreflightContext, "aws" | "signal" | "awsCallTimeoutMs" | "log">;

// Failures that every further call would see too, so the remaining batches are not sent.
const FINAL_KINDS = new Set(["access-denied", "expired-token", "invalid-token", "signature", "not-found"]);

/**
 * Simulates `actions` on `resources` (default any resource) for the user or role
 * `principalArn`. Failed calls are returned in `failures` instead of being thrown.
 */
export async function simulatePrincipal(
  context: SimulationContext,
  principalArn: string,
  actions: string[],
  resources: string[] = ["*"],
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const batchSize = options.batchSize ?? SIMULATION_BATCH_SIZE;
  const unique = [...new Set(actions)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += batchSize) batches.push(unique.slice(start, start + batchSize));

  const result: SimulationResult = { decisions: [], failures: [], requests: 0 };
  let finalError: AwsCallError | undefined;
  const runBatch = async (batch: string[]) => {
    if (finalError) {
      result.failures.push({ actions: batch, error: finalError });
      return;
    }
    try {
      const evaluations = await simulateBatch(context, principalArn, batch, resources, options, () => result.requests++);
      result.decisions.push(...evaluations.flatMap((evaluation) => toDecisions(evaluation, resources)));
    } catch (error) {
      const failure = classifyAwsError("iam:SimulatePrincipalPolicy", error);
      if (FINAL_KINDS.has(failure.kind)) finalError = failure;
      result.failures.push({ actions: batch, error: failure });
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < batches.length) await runBatch(batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_BATCHES, batches.length) }, worker));
  return result;
}

async function simulateBatch(
  context: SimulationContext,
  principalArn: string,
  actions: string[],
  resources: string[],
  options: SimulateOptions,
  countRequest: () => void,
): Promise<EvaluationResult[]> {
  const iam = await context.aws.iam();
  const evaluations: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const command = new SimulatePrincipalPolicyCommand({
      PolicySourceArn: principalArn,
      ActionNames: actions,
      ...(resources.length === 1 && resources[0] === "*" ? {} : { ResourceArns: resources }),
      ...(options.contextEntries?.length ? { ContextEntries: options.contextEntries } : {}),
      MaxItems: MAX_ITEMS,
      ...(marker ? { Marker: marker } : {}),
    });
    const page: SimulatePrincipalPolicyCommandOutput = await withBackoff(
      () => {
        countRequest();
        return callAws("iam:SimulatePrincipalPolicy", (abortSignal) => iam.send(command, { abortSignal }), {
          timeoutMs: context.awsCallTimeoutMs,
          signal: context.signal,
        });
      },
      {
        policy: options.retry ?? DEFAULT_RETRY,
        signal: context.signal,
        onRetry: (error, attempt, delayMs) =>
          context.log.debug(`iam:SimulatePrincipalPolicy attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`),
      },
    );
    evaluations.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
    if (page.IsTruncated && !marker) {
      throw new AwsCallError("iam:SimulatePrincipalPolicy", "malformed-response", undefined, "IAM reported more results but sent no Marker", undefined);
    }
  } while (marker);
  return evaluations;
}

// With resource ARNs, IAM decides per resource in ResourceSpecificResults; without
// them the top-level decision is for "*".
function toDecisions(evaluation: EvaluationResult, resources: string[]): ActionDecision[] {
  const action = evaluation.EvalActionName ?? "";
  const perResource = evaluation.ResourceSpecificResults ?? [];
  if (perResource.length > 0) {
    return perResource.map((entry) =>
      decide(action, entry.EvalResourceName ?? "*", entry.EvalResourceDecision, entry.MatchedStatements, entry.MissingContextValues, {
        boundary: entry.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
        organization: evaluation.OrganizationsDecisionDetail?.AllowedByOrganizations,
      }),
    );
  }
  return resources.map((resource) =>
    decide(action, resource, evaluation.EvalDecision, evaluation.MatchedStatements, evaluation.MissingContextValues, {
      boundary: evaluation.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
      organization: evaluation.OrganizationsDecisionDetail?.AllowedByOrganizations,
    }),
  );
}

function decide(
  action: string,
  resource: string,
  rawDecision: string | undefined,
  matched: Array<{ SourcePolicyId?: string | undefined; SourcePolicyType?: string | undefined }> | undefined,
  missing: string[] | undefined,
  allowedBy: { boundary: boolean | undefined; organization: boolean | undefined },
): ActionDecision {
  // An unknown decision value must never read as allowed.
  const decision: EvalDecision = rawDecision === "allowed" || rawDecision === "explicitDeny" ? rawDecision : "implicitDeny";
  const matchedPolicies = [...new Set((matched ?? []).map((statement) => statement.SourcePolicyId ?? "unnamed policy"))];
  return { action, resource, decision, reasons: denialReasons(decision, matchedPolicies.length > 0, allowedBy), matchedPolicies, missingContextKeys: missing ?? [] };
}

function denialReasons(decision: EvalDecision, hasMatches: boolean, allowedBy: { boundary: boolean | undefined; organization: boolean | undefined }): DenialReason[] {
  if (decision === "allowed") return [];
  const reasons: DenialReason[] = [];
  if (allowedBy.organization === false) reasons.push("organization");
  // SCP statements never appear in MatchedStatements, so an explicit deny with an SCP
  // denial and no matched statement came from the organization.
  if (decision === "explicitDeny" && (hasMatches || allowedBy.organization !== false)) reasons.push("explicit-deny");
  if (allowedBy.boundary === false) reasons.push("boundary");
  // For an implicit deny, matched statements are the identity allows that the boundary
  // or organization overruled; without any, nothing allows the action.
  if (decision === "implicitDeny" && !hasMatches) reasons.push("no-allow");
  return reasons;
}
