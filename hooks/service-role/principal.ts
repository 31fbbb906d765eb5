// Works out which IAM principal hands the service role to CloudFormation, and the
// ARN that iam:SimulatePrincipalPolicy accepts for it.
import { AwsCallError } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { getRole } from "./iam-read.js";
import { detectSynthesizer, type Target } from "./synthesizer.js";

export interface PassingPrincipal {
  kind: "caller" | "deploy-role";
  /** For messages: "your identity arn:..." or "the CDK deploy role arn:...". */
  label: string;
  /** ARN to simulate; undefined when it cannot be simulated (root, federated user). */
  simulationArn?: string;
  /** Role name, for reading a deploy role's policies. */
  roleName?: string;
  /** Facts for the report, such as how the synthesizer was detected. */
  notes: string[];
  /** Set when the principal is the account's root user, which IAM policies do not restrict. */
  root?: boolean;
}

/** Returns the principals that will pass the role: the caller, the CDK deploy role, or both. */
export async function findPassingPrincipals(context: PreflightContext, target: Target): Promise<PassingPrincipal[]> {
  if (context.tool.name !== "cdk") {
    return [await callerPrincipal(context, `${toolLabel(context)} calls CloudFormation with your credentials`)];
  }

  const facts = detectSynthesizer(context, target);
  const principals: PassingPrincipal[] = [];
  const missingDeployRoles: string[] = [];
  for (const arn of facts.deployRoles) {
    const roleName = arn.slice(arn.lastIndexOf("/") + 1);
    try {
      const role = await getRole(context, roleName);
      principals.push({
        kind: "deploy-role",
        label: `the CDK deploy role ${role.arn}`,
        simulationArn: role.arn,
        roleName,
        notes: [`The CDK CLI assumes ${role.arn} and calls CloudFormation as that role. Synthesizer: ${facts.source}.`],
      });
    } catch (error) {
      if (!(error instanceof AwsCallError) || error.kind !== "not-found") {
        // The role may well exist; simulate it by the ARN the synthesizer uses.
        principals.push({
          kind: "deploy-role",
          label: `the CDK deploy role ${arn}`,
          simulationArn: arn,
          roleName,
          notes: [`The CDK CLI assumes ${arn} and calls CloudFormation as that role. Synthesizer: ${facts.source}.`, `iam:GetRole on the deploy role failed: ${(error as Error).message}`],
        });
        continue;
      }
      missingDeployRoles.push(arn);
    }
  }

  if (facts.callerDeploys || missingDeployRoles.length > 0) {
    const reason = facts.callerDeploys
      ? `the stacks deploy with your own credentials (synthesizer: ${facts.source})`
      : `the deploy role ${missingDeployRoles.join(", ")} does not exist, so the CDK CLI falls back to your credentials when they are for the target account (the bootstrap check reports the missing role)`;
    principals.push(await callerPrincipal(context, `The CDK CLI passes the role with your identity because ${reason}.`));
  }
  return principals;
}

function toolLabel(context: PreflightContext): string {
  if (context.tool.name === "sst-v1") return "SST v1";
  if (context.tool.name === "sst-v2") return "SST v2";
  return context.tool.name;
}

/** Builds the caller's principal: a user by its own ARN, an assumed role by its role ARN with the path. */
async function callerPrincipal(context: PreflightContext, reason: string): Promise<PassingPrincipal> {
  const arn = context.identity?.arn ?? "";
  const notes = [reason.endsWith(".") ? reason : `${reason}.`];
  const [, partition = "aws", service = "", , account = "", resource = ""] = arn.split(":");

  if (service === "iam" && resource === "root") {
    return { kind: "caller", label: `your identity ${arn} (the root user)`, notes, root: true };
  }
  if (service === "iam") return { kind: "caller", label: `your identity ${arn}`, simulationArn: arn, notes };

  const assumed = /^assumed-role\/([^/]+)\//.exec(resource);
  if (service === "sts" && assumed) {
    const roleName = assumed[1]!;
    // A session ARN has no role path, and IAM only simulates the role's own ARN.
    try {
      const role = await getRole(context, roleName);
      return { kind: "caller", label: `your identity ${arn} (role ${role.arn})`, simulationArn: role.arn, roleName, notes };
    } catch (error) {
      const guess = `arn:${partition}:iam::${account}:role/${roleName}`;
      notes.push(`iam:GetRole on ${roleName} failed (${(error as Error).message}). Simulating ${guess} instead, which is wrong if the role has a path.`);
      return { kind: "caller", label: `your identity ${arn} (role ${guess})`, simulationArn: guess, roleName, notes };
    }
  }
  notes.push(`IAM cannot simulate the policies of ${arn}: only users, groups and roles can be simulated.`);
  return { kind: "caller", label: `your identity ${arn}`, notes };
}
