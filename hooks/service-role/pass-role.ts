// Decides whether a principal may pass the service role to CloudFormation
// (iam:PassRole). IAM's simulator decides when the caller may use it. A CDK deploy
// role's policies are read as well, so that a denial can name what the role allows.
import { AwsCallError } from "../../plugin/aws/call.js";
import { describeError } from "../../plugin/errors.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { readRolePolicies } from "./iam-read.js";
import { evaluatePassRoleStatically, type StaticPassRole } from "./pass-role-static.js";
import type { PassingPrincipal } from "./principal.js";
import { simulatePrincipal, type SimulationResult } from "./simulate.js";
import { CLOUDFORMATION_PRINCIPAL } from "./trust.js";

export interface PassRoleFinding {
  principal: PassingPrincipal;
  verdict: "allowed" | "denied" | "conditional" | "unknown";
  /** One line: why, such as "no policy allows it" or "its permissions boundary denies it". */
  reason: string;
  details: string[];
  /** IAM actions that would let the check decide, for an unknown verdict. */
  neededActions?: string[];
}

const READ_ACTIONS = ["iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion"];

export async function checkPassRole(context: PreflightContext, principal: PassingPrincipal, roleArn: string): Promise<PassRoleFinding> {
  const finding = (verdict: PassRoleFinding["verdict"], reason: string, details: string[] = [], extra: Partial<PassRoleFinding> = {}) => ({
    principal,
    verdict,
    reason,
    details: [...principal.notes, ...details],
    ...extra,
  });
  if (principal.root) return finding("allowed", "the root user is not restricted by IAM policies");
  if (!principal.simulationArn) {
    return finding("unknown", "IAM cannot simulate this kind of identity", [], { neededActions: [] });
  }

  const simulation = simulatePrincipal(context, {
    principalArn: principal.simulationArn,
    action: "iam:PassRole",
    resourceArn: roleArn,
    contextValues: { "iam:PassedToService": CLOUDFORMATION_PRINCIPAL },
  });
  const policies = principal.kind === "deploy-role" && principal.roleName ? readRolePolicies(context, principal.roleName) : undefined;
  const [simulated, read] = await Promise.allSettled([simulation, policies ?? Promise.resolve(undefined)]);
  const staticResult = read.status === "fulfilled" && read.value ? evaluatePassRoleStatically(read.value, roleArn) : undefined;
  const staticLines = staticResult ? describeStatic(staticResult) : [];

  if (simulated.status === "fulfilled") {
    const result = simulated.value;
    if (result.decision === "allowed") return finding("allowed", `allowed${matched(result)}`, staticLines);
    return finding("denied", denialReason(result), staticLines);
  }

  const simulationProblem = `iam:SimulatePrincipalPolicy on ${principal.simulationArn} failed: ${describeError(simulated.reason)}`;
  if (staticResult) return fromStatic(finding, staticResult, staticLines, simulationProblem);
  const needed = ["iam:SimulatePrincipalPolicy"];
  const lines = [simulationProblem];
  if (read.status === "rejected") {
    lines.push(`Reading the role's policies failed: ${describeError(read.reason)}`);
    needed.push(...READ_ACTIONS);
  }
  const denied = [simulated.reason, read.status === "rejected" ? read.reason : undefined].some(
    (error) => error instanceof AwsCallError && error.kind === "access-denied",
  );
  return finding("unknown", denied ? "the check was denied" : "the check could not run", lines, { neededActions: needed });
}

function fromStatic(
  finding: (verdict: PassRoleFinding["verdict"], reason: string, details?: string[], extra?: Partial<PassRoleFinding>) => PassRoleFinding,
  result: StaticPassRole,
  lines: string[],
  simulationProblem: string,
): PassRoleFinding {
  const from = `Decided from the role's own policies because ${simulationProblem}`;
  if (result.decision === "explicitDeny") return finding("denied", `an explicit Deny in ${result.deciding.join(", ")} applies`, [...lines, from]);
  if (result.decision === "implicitDeny") return finding("denied", "no statement of its policies allows it", [...lines, from]);
  if (result.decision === "conditional") {
    return finding("conditional", `allowed only under conditions: ${result.conditions.join("; ")}`, [...lines, from]);
  }
  // An Allow in the role's policies can still be cut by a permissions boundary or an
  // organization SCP, which only the simulator evaluates.
  return finding("allowed", `allowed by ${result.deciding.join(", ")}`, [
    ...lines,
    from,
    "Permissions boundaries and organization SCPs were not evaluated.",
  ]);
}

function matched(result: SimulationResult): string {
  return result.matchedPolicies.length > 0 ? ` by ${result.matchedPolicies.join(", ")}` : "";
}

function denialReason(result: SimulationResult): string {
  if (result.allowedByOrganizations === false) return "an organization service control policy (SCP) denies it";
  if (result.decision === "explicitDeny") return `an explicit Deny${matched(result).replace(" by", " in")} applies`;
  if (result.allowedByBoundary === false) return "its permissions boundary does not allow it (an identity policy may, but the boundary wins)";
  if (result.missingContextValues.length > 0) return `no policy allows it without the context values ${result.missingContextValues.join(", ")}`;
  return "no identity policy allows it";
}

function describeStatic(result: StaticPassRole): string[] {
  if (result.passableRoles.length === 0) return ["Its policies allow iam:PassRole on no role."];
  return [`Its policies allow iam:PassRole only on: ${result.passableRoles.join(", ")}`];
}
