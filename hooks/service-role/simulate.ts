// Asks IAM whether a principal may perform one action on one resource, with
// iam:SimulatePrincipalPolicy. Kept apart so that other checks can share it.
import { SimulatePrincipalPolicyCommand, type ContextEntry } from "@aws-sdk/client-iam";
import { callAws } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";

export interface SimulationRequest {
  /** ARN of an IAM user, group or role; an assumed-role session ARN is not accepted by IAM. */
  principalArn: string;
  action: string;
  resourceArn: string;
  /** Request context, such as iam:PassedToService for iam:PassRole. */
  contextValues?: Record<string, string>;
}

export interface SimulationResult {
  decision: "allowed" | "explicitDeny" | "implicitDeny";
  /** IDs of the policies whose statements matched, such as "cfn-pass" or a managed policy ARN. */
  matchedPolicies: string[];
  /** False when the principal's permissions boundary does not allow the action. */
  allowedByBoundary?: boolean;
  /** False when a service control policy of the organization denies the action. */
  allowedByOrganizations?: boolean;
  /** Context keys that the policies test but the request did not supply. */
  missingContextValues: string[];
}

/**
 * Calls iam:SimulatePrincipalPolicy for one action and resource. Rejects with an
 * AwsCallError (kind "access-denied" when the caller may not simulate) or an
 * Error when IAM returns no usable result.
 */
export async function simulatePrincipal(context: PreflightContext, request: SimulationRequest): Promise<SimulationResult> {
  const iam = await context.aws.iam();
  const entries: ContextEntry[] = Object.entries(request.contextValues ?? {}).map(([key, value]) => ({
    ContextKeyName: key,
    ContextKeyValues: [value],
    ContextKeyType: "string",
  }));
  const command = new SimulatePrincipalPolicyCommand({
    PolicySourceArn: request.principalArn,
    ActionNames: [request.action],
    ResourceArns: [request.resourceArn],
    ...(entries.length > 0 ? { ContextEntries: entries } : {}),
  });
  const output = await callAws("iam:SimulatePrincipalPolicy", (abortSignal) => iam.send(command, { abortSignal }), {
    timeoutMs: context.awsCallTimeoutMs,
    signal: context.signal,
  });

  const result = output.EvaluationResults?.find((entry) => entry.EvalActionName?.toLowerCase() === request.action.toLowerCase());
  const decision = result?.EvalDecision;
  if (decision !== "allowed" && decision !== "explicitDeny" && decision !== "implicitDeny") {
    throw new Error(`iam:SimulatePrincipalPolicy returned no decision for ${request.action} (got ${JSON.stringify(decision ?? null)})`);
  }
  const boundary = result?.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary;
  const organizations = result?.OrganizationsDecisionDetail?.AllowedByOrganizations;
  return {
    decision,
    matchedPolicies: [...new Set((result?.MatchedStatements ?? []).flatMap((statement) => (statement.SourcePolicyId ? [statement.SourcePolicyId] : [])))],
    ...(boundary !== undefined ? { allowedByBoundary: boundary } : {}),
    ...(organizations !== undefined ? { allowedByOrganizations: organizations } : {}),
    missingContextValues: result?.MissingContextValues ?? [],
  };
}
