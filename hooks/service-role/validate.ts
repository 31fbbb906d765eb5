// The checks on the role itself: its ARN, its account and partition, that it
// exists under that exact ARN, and that its trust policy lets CloudFormation in.
import { AwsCallError } from "../../plugin/aws/call.js";
import type { HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { parseRoleArn, partitionOfArn, partitionOfRegion, type RoleArn } from "./arn.js";
import { crossAccountGuidance, trustGuidance } from "./guidance.js";
import { getRole } from "./iam-read.js";
import { parsePolicyDocument } from "./policy-document.js";
import type { RoleChoice } from "./source.js";
import { CLOUDFORMATION_PRINCIPAL, evaluateTrust } from "./trust.js";

/** Checks that need no AWS call. Returns the parsed ARN, or the failed outcome. */
export function checkArn(context: PreflightContext, choice: RoleChoice): { role: RoleArn } | { outcome: HookOutcome } {
  const parsed = parseRoleArn(choice.arn);
  if (!parsed.ok) {
    return {
      outcome: {
        status: "fail",
        summary: `the service role "${choice.arn}" from ${choice.origin} ${parsed.problem}`,
        guidance: [parsed.fix, `Fix the value of ${choice.origin}.`],
      },
    };
  }
  const role = parsed.role;
  const identity = context.identity;
  let expected: string | undefined;
  if (context.region) expected = partitionOfRegion(context.region.value);
  else if (identity) expected = partitionOfArn(identity.arn);
  if (expected && role.partition !== expected) {
    const where = context.region ? `region ${context.region.value}` : "your identity";
    return {
      outcome: {
        status: "fail",
        summary: `the service role ${role.arn} is in partition ${role.partition}, but ${where} is in ${expected}`,
        guidance: [`Use the role's ARN in ${expected}: arn:${expected}:iam::${role.account}:role${role.path}${role.name}.`],
      },
    };
  }
  if (identity && identity.account && role.account !== identity.account) {
    return {
      outcome: {
        status: "fail",
        summary: `the service role ${role.arn} is in account ${role.account}, but the deploy targets account ${identity.account}`,
        details: [
          `identity: ${identity.arn}`,
          `role from ${choice.origin}`,
          "--role-arn is not an assume-role: CloudFormation only uses a service role from the stack's own account, and your credentials still make every other call.",
        ],
        guidance: crossAccountGuidance(role.arn, role.account, identity.account),
      },
    };
  }
  return { role };
}

/** Looks the role up with iam:GetRole and checks its exact ARN and its trust policy. */
export async function checkRoleAndTrust(context: PreflightContext, role: RoleArn, choice: RoleChoice): Promise<HookOutcome> {
  let facts;
  try {
    facts = await getRole(context, role.name);
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error;
    if (error.kind === "not-found") {
      return {
        status: "fail",
        summary: `the service role ${role.arn} does not exist`,
        details: [`iam:GetRole answered ${error.code ?? "NoSuchEntity"} for ${role.name} in account ${role.account}.`, `role from ${choice.origin}`],
        guidance: [`Create the role, or fix the ARN in ${choice.explicit ? "the command line" : context.configOrigin}.`],
      };
    }
    const denied = error.kind === "access-denied";
    return {
      status: "unknown",
      summary: `could not check that ${role.arn} exists: iam:GetRole ${denied ? "was denied" : "failed"}`,
      details: [error.message],
      guidance: denied
        ? [`Allow iam:GetRole on ${role.arn} for your identity, so the check can read the role and its trust policy.`]
        : ["Run again; if it keeps failing, check the network and the IAM endpoint."],
      data: { neededActions: denied ? ["iam:GetRole"] : [] },
    };
  }

  if (facts.arn !== role.arn) {
    return {
      status: "fail",
      summary: `the role ${role.name} exists as ${facts.arn}, not as ${role.arn}`,
      details: ["An IAM role ARN includes the role's path; CloudFormation rejects the ARN without it."],
      guidance: [`Set the ARN to ${facts.arn} in ${choice.explicit ? "the command line" : context.configOrigin}.`],
    };
  }

  let statements;
  try {
    statements = parsePolicyDocument(facts.trustPolicy, `the trust policy of ${role.name}`);
  } catch (error) {
    return { status: "unknown", summary: `could not read the trust policy of ${role.arn}`, details: [(error as Error).message] };
  }
  const trust = evaluateTrust(statements);
  const trusted = trust.trustedPrincipals.length > 0 ? trust.trustedPrincipals.join(", ") : "no principal";
  if (trust.status === "missing") {
    return {
      status: "fail",
      summary: `the service role ${role.arn} does not trust ${CLOUDFORMATION_PRINCIPAL}; it trusts only ${trusted}`,
      details: ["CloudFormation must be allowed sts:AssumeRole in the role's trust policy to use it as a service role."],
      guidance: trustGuidance(role.name),
    };
  }
  if (trust.status === "denied") {
    return {
      status: "fail",
      summary: `the trust policy of ${role.arn} denies sts:AssumeRole to ${CLOUDFORMATION_PRINCIPAL}`,
      guidance: ["Remove the Deny statement for CloudFormation from the role's trust policy.", ...trustGuidance(role.name)],
    };
  }
  if (trust.status === "conditional") {
    return {
      status: "warn",
      summary: `the service role ${role.arn} trusts ${CLOUDFORMATION_PRINCIPAL} only under conditions`,
      details: [...trust.conditions, "sst-preflight does not evaluate these conditions: CloudFormation's request is known only during the deploy."],
      guidance: ["Check that CloudFormation's AssumeRole request meets these conditions, or trust it without them."],
    };
  }
  const broad = trust.anyPrincipal ? " (its trust policy allows any principal, which is broader than needed)" : "";
  return { status: "pass", summary: `exists and trusts ${CLOUDFORMATION_PRINCIPAL}${broad}` };
}
