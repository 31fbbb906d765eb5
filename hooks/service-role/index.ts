// The service-role check. The stage's CloudFormation service role must be a valid ARN
// in the target account, exist, trust CloudFormation, and be passable by the principal
// that hands it over. Then it is applied for the wrapped tool.
import type { Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { partitionOfArn } from "./arn.js";
import { applyRole, checkToolSupport } from "./apply.js";
import { passRoleGuidance, sstRoleMisuseLines } from "./guidance.js";
import { checkPassRole, type PassRoleFinding } from "./pass-role.js";
import { findPassingPrincipals } from "./principal.js";
import { chooseRole, commandUsesRole, sstV2RoleSetting, type RoleChoice } from "./source.js";
import { checkArn, checkRoleAndTrust } from "./validate.js";

export const serviceRoleHook: Hook = {
  id: "serviceRole",
  title: "service role",
  needs: ["credentials"],
  skipReason: skipReason,
  run: checkServiceRole,
};

function skipReason(context: PreflightContext): string | undefined {
  const choice = chooseRole(context);
  if (!choice && !sstV2RoleSetting(context)) {
    const stage = context.stage?.value;
    return `no service role is configured${stage ? ` for stage "${stage}"` : ""} (stages.${stage ?? "<stage>"}.roleArn)`;
  }
  if (context.offline) return "offline: checking the role needs IAM calls";
  if (choice && !commandUsesRole(context)) {
    return `${context.tool.name === "cdk" ? "cdk" : "sst"} ${context.command} does not use the service role`;
  }
  return undefined;
}

async function checkServiceRole(context: PreflightContext): Promise<HookOutcome> {
  const misuse = sstV2RoleSetting(context);
  const choice = chooseRole(context);
  const stageKey = `stages.${context.stage?.value ?? '"*"'}`;
  const misuseOutcome: HookOutcome | undefined = misuse ? { status: "warn", ...sstRoleMisuseLines(misuse, stageKey) } : undefined;
  if (!choice) return misuseOutcome ?? { status: "skip", summary: "no service role is configured" };

  const outcome = await validateRole(context, choice);
  const applyWarning = applyRole(context, choice, outcome.status !== "fail");
  const withApply: HookOutcome = applyWarning ? merge(outcome, { status: "warn", summary: applyWarning }) : outcome;
  const merged = misuseOutcome ? merge(withApply, misuseOutcome) : withApply;
  return { ...merged, data: { ...merged.data, roleArn: choice.arn, origin: choice.origin, explicit: choice.explicit } };
}

async function validateRole(context: PreflightContext, choice: RoleChoice): Promise<HookOutcome> {
  const unsupported = checkToolSupport(context, choice);
  if (unsupported) return unsupported;
  const checked = checkArn(context, choice);
  if ("outcome" in checked) return checked.outcome;
  const role = checked.role;

  const region = context.region?.value;
  const account = context.identity?.account ?? role.account;
  const target = { account, region: region ?? "us-east-1", partition: partitionOfArn(context.identity?.arn ?? "") ?? role.partition };
  const [roleOutcome, findings] = await Promise.all([
    checkRoleAndTrust(context, role, choice),
    findPassingPrincipals(context, target).then((principals) => Promise.all(principals.map((principal) => checkPassRole(context, principal, role.arn)))),
  ]);

  // A missing role makes the PassRole verdicts meaningless, so only the cause is reported.
  if (roleOutcome.status === "fail" && /does not exist|exists as/.test(roleOutcome.summary)) return roleOutcome;
  const passOutcomes = findings.map((finding) => passRoleOutcome(finding, role.arn));
  const combined = [roleOutcome, ...passOutcomes].reduce(merge);
  if (combined.status !== "pass") return combined;
  const principals = findings.map((finding) => finding.principal.label).join(" and ");
  return { ...combined, summary: `${role.arn} (from ${choice.origin}) exists, trusts CloudFormation, and may be passed by ${principals}` };
}

function passRoleOutcome(finding: PassRoleFinding, roleArn: string): HookOutcome {
  const principal = finding.principal.label;
  if (finding.verdict === "allowed") return { status: "pass", summary: `${principal} may pass it`, details: [`${principal}: iam:PassRole ${finding.reason}`, ...finding.details] };
  if (finding.verdict === "denied") {
    return {
      status: "fail",
      summary: `${principal} may not pass the service role ${roleArn} (iam:PassRole): ${finding.reason}`,
      details: finding.details,
      guidance: passRoleGuidance(finding.principal, roleArn, finding.reason),
    };
  }
  if (finding.verdict === "conditional") {
    return {
      status: "warn",
      summary: `${principal} may pass ${roleArn} only under conditions`,
      details: [finding.reason, ...finding.details],
      guidance: ["Check that the deploy meets these conditions; sst-preflight does not evaluate them."],
    };
  }
  const needed = finding.neededActions ?? [];
  return {
    status: "unknown",
    summary: `could not check that ${principal} may pass ${roleArn}: ${finding.reason}`,
    details: finding.details,
    guidance: unknownPassRoleGuidance(finding.reason, needed),
    data: { neededActions: needed },
  };
}

const SEVERITY: Record<HookOutcome["status"], number> = { fail: 4, unknown: 3, warn: 2, pass: 1, skip: 0 };

/** Combines two outcomes: the worse status and its summary lead, the lines of both are kept. */
function merge(first: HookOutcome, second: HookOutcome): HookOutcome {
  const [lead, other] = SEVERITY[second.status] > SEVERITY[first.status] ? [second, first] : [first, second];
  let otherLines: string[];
  if (other.status !== "pass") otherLines = [`${other.status}: ${other.summary}`, ...(other.details ?? [])];
  else if (lead.status === "pass") otherLines = other.details ?? [];
  // Next to a problem, the details of a part that passed are noise.
  else otherLines = [];
  return {
    status: lead.status,
    summary: lead.summary,
    details: [...(lead.details ?? []), ...otherLines],
    guidance: [...(lead.guidance ?? []), ...(other.guidance ?? [])],
    data: { ...other.data, ...lead.data, ...neededActions(lead, other) },
  };
}

function neededActions(...outcomes: HookOutcome[]): { neededActions?: string[] } {
  const actions = outcomes.flatMap((outcome) => (Array.isArray(outcome.data?.neededActions) ? (outcome.data.neededActions as string[]) : []));
  return actions.length > 0 ? { neededActions: [...new Set(actions)] } : {};
}

/** Advises on a PassRole check that could not run: a denial needs permissions, an outage a retry. */
function unknownPassRoleGuidance(reason: string, needed: string[]): string[] {
  const denied = /denied|not authorized|AccessDenied/i.test(reason);
  if (needed.length > 0 && denied) return [`Allow ${needed.join(", ")} for your identity so the check can run.`];
  const byHand = "Check by hand that this identity has iam:PassRole on the role.";
  if (needed.length > 0) return [`The IAM calls failed without a denial; run again when the IAM endpoint answers. The check needs ${needed.join(", ")}.`, byHand];
  return [byHand];
}
