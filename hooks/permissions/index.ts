// The permissions check: the actions the deploy needs under the configured strategy,
// simulated for the caller with iam:SimulatePrincipalPolicy. A denied or failed
// simulation is reported as unknown (or goes to the optional fallback), never as a pass.
import { describeError } from "../../plugin/errors.js";
import type { Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./backoff.js";
import { evaluateRequirements } from "./evaluate.js";
import { runFallback } from "./fallback.js";
import { buildOutcome, type OutcomeInput } from "./guidance.js";
import { configuredStrategy, planPermissions, type PermissionPlan } from "./plan.js";
import { PolicyDocumentError } from "./policy-document.js";
import { resolveSimulationPrincipal } from "./principal.js";
import { distinctActions, serviceOf } from "./requirements.js";
import { StrategyInputError, type StrategyName } from "./strategies.js";

export const permissionsHook: Hook = {
  id: "permissions",
  title: "permissions",
  needs: ["credentials"],
  skipReason: (context) => {
    if (configuredStrategy(context) === "none") return 'turned off by permissions.strategy "none"';
    if (context.offline) return "offline: the permission check needs iam:SimulatePrincipalPolicy";
    return undefined;
  },
  run: checkPermissions,
};

async function checkPermissions(context: PreflightContext): Promise<HookOutcome> {
  const strategy = configuredStrategy(context) as StrategyName;
  const identity = context.identity;
  if (!identity) return { status: "unknown", summary: "no caller identity to check the permissions of" };

  let plan: PermissionPlan;
  try {
    plan = planPermissions(context, strategy, identity.account);
  } catch (error) {
    if (!(error instanceof StrategyInputError) && !(error instanceof PolicyDocumentError)) throw error;
    return {
      status: "fail",
      summary: `cannot check the permissions: ${error.message}`,
      guidance: [`Fix the setting in ${context.configOrigin === "defaults" ? "the preflight configuration" : context.configOrigin}, or run sst-preflight policy --strategy ${strategy} to see what it needs.`],
    };
  }

  let principal: Awaited<ReturnType<typeof resolveSimulationPrincipal>>;
  try {
    principal = await resolveSimulationPrincipal(context, identity.arn);
  } catch (error) {
    return { status: "unknown", summary: `cannot find the role behind ${identity.arn}: ${describeError(error)}`, guidance: ["Run the check again; allow iam:GetRole on the caller's role if it keeps failing."] };
  }
  if (principal.kind === "root") {
    return {
      status: "warn",
      summary: `the caller is the root user of account ${principal.account}, which may do everything an organization policy allows`,
      guidance: ["Deploy with an IAM user or role instead of the root user; then this check can simulate its policies."],
    };
  }
  if (principal.kind === "unsupported") {
    return { status: "unknown", summary: `the permissions of this caller cannot be simulated: ${principal.reason}`, guidance: ["Deploy as an IAM user or an assumed role."] };
  }

  const { set } = plan;
  const details = [
    `strategy: ${set.strategy}${strategy === "baseline" ? " (no permissions.strategy configured)" : ""}`,
    `simulated for: ${principal.arn}`,
    ...(principal.note ? [principal.note] : []),
    ...set.notes,
    ...plan.warnings,
  ];
  const outcomeInput: Omit<OutcomeInput, "evaluation"> = {
    set,
    target: { type: principal.type, name: principal.name, account: principal.account, partition: principal.partition, arn: principal.arn },
    details,
    policyName: `sst-preflight-${context.stage?.value ?? "deployer"}`,
  };

  const evaluation = await evaluateRequirements(context, principal.arn, set.requirements, { retry: retryPolicy(context) });
  const refused = evaluation.decisions.length === 0 ? evaluation.unevaluated.find((entry) => entry.error?.kind === "access-denied")?.error : undefined;
  if (!refused) {
    const outcome = buildOutcome({ ...outcomeInput, evaluation });
    return plan.warnings.length > 0 && outcome.status === "pass" ? { ...outcome, status: "warn" } : outcome;
  }

  if (context.config.permissions?.fallback) return runFallback(context, outcomeInput);
  const actions = distinctActions(set.requirements);
  const services = [...new Set(actions.map(serviceOf))].sort();
  return {
    status: "unknown",
    summary: `cannot check the permissions: iam:SimulatePrincipalPolicy was denied for ${identity.arn}`,
    details: [...details, `denied: ${refused.message}`, `${actions.length} actions of ${services.join(", ")} were not checked`],
    guidance: [
      `Allow the caller iam:SimulatePrincipalPolicy on ${principal.arn}${principal.type === "role" ? " (and iam:GetRole, to find the role's path)" : ""}.`,
      "Or set permissions.fallback to true to evaluate the caller's own policies when the simulation is denied.",
    ],
    data: { strategy: set.strategy, principal: principal.arn, needs: ["iam:SimulatePrincipalPolicy"], unevaluated: actions },
  };
}

// The session's default time budget when timeoutSeconds is not set.
const DEFAULT_RUN_BUDGET_SECONDS = 60;

// Retrying stops after a third of the run's budget, so that a throttled check still
// reports its own unknown before the run's deadline ends it.
function retryPolicy(context: PreflightContext): RetryPolicy {
  const budgetMs = ((context.config.timeoutSeconds ?? DEFAULT_RUN_BUDGET_SECONDS) * 1000) / 3;
  return { ...DEFAULT_RETRY, budgetMs: Math.min(DEFAULT_RETRY.budgetMs, budgetMs) };
}
