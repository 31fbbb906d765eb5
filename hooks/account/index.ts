// The account check: the identity's account and the target region must be among
// those the configuration allows for the stage.
import type { CheckResult, Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { confirmProtectedChange, isProtected, rejectDevSession } from "./protected.js";

export const accountHook: Hook = {
  id: "account",
  title: "account",
  needs: ["credentials"],
  skipReason: (context) => (context.offline ? "offline: the account is known only after an AWS call" : undefined),
  whenNeedsUnmet: (context, credentials) => guardWithoutIdentity(context, credentials),
  run: async (context) => {
    // A protected stage rejects dev sessions outright, and its deploys are confirmed
    // only after the account is known to be right.
    const rejected = rejectDevSession(context);
    if (rejected) return rejected;
    const outcome = checkAccount(context);
    if (outcome.status !== "pass" && outcome.status !== "warn") return outcome;
    return confirmProtectedChange(context, outcome);
  },
};

/**
 * Returns the outcome when no identity could be established. A stage bound to accounts
 * or regions, or a protected one, fails: otherwise a slow or unreachable STS would let
 * a deploy go on unverified. Other stages are skipped as usual.
 */
export function guardWithoutIdentity(context: PreflightContext, credentials: CheckResult): HookOutcome {
  const stage = context.stage?.value;
  const stageLabel = stage ? `stage "${stage}"` : "this run";
  const bound = Boolean(context.stageConfig.accounts || context.stageConfig.regions);
  const guarded = bound || isProtected(context);
  if (context.offline || credentials.status === "fail" || !guarded) {
    return { status: "skip", summary: `skipped because the ${credentials.title} check did not pass` };
  }
  const guards = [bound ? "bound to accounts or regions" : "", isProtected(context) ? "protected" : ""].filter(Boolean).join(" and ");
  return {
    status: "fail",
    summary: `${stageLabel} is ${guards}, but the identity could not be verified (credentials: ${credentials.status})`,
    details: [`credentials check: ${credentials.summary}`],
    guidance: [
      "Fix what the credentials check reports (network, endpoint, timeout), then run again.",
      "sst-preflight does not let a deploy to a guarded stage go on without knowing its account.",
    ],
  };
}

export function checkAccount(context: PreflightContext): HookOutcome {
  const identity = context.identity;
  if (!identity) return { status: "unknown", summary: "no caller identity to check" };

  const stage = context.stage?.value;
  const allowedAccounts = context.stageConfig.accounts;
  const allowedRegions = context.stageConfig.regions;
  const stageLabel = stage ? `stage "${stage}"` : "this run (no stage)";
  const configured = stage && context.config.stages && Object.hasOwn(context.config.stages, stage) ? `stages.${stage}` : 'stages["*"]';

  if (!allowedAccounts && !allowedRegions) {
    return {
      status: "pass",
      summary: `account ${identity.account}; no accounts are configured for ${stageLabel}`,
      details: [`Bind the stage to its accounts with ${stage ? `stages.${stage}` : "stages"}.accounts in ${context.configOrigin === "defaults" ? "preflight.config.ts" : context.configOrigin}.`],
      data: { account: identity.account },
    };
  }

  if (allowedAccounts && !allowedAccounts.includes(identity.account)) {
    return {
      status: "fail",
      summary: `account ${identity.account} is not allowed for ${stageLabel}; expected ${allowedAccounts.join(" or ")}`,
      details: [
        `identity: ${identity.arn}`,
        `credentials: ${context.credentials?.source ?? "unknown source"}`,
        `allowed by ${configured}.accounts in ${context.configOrigin}`,
      ],
      guidance: [
        context.stageConfig.profile
          ? `Use the stage's profile: --profile ${context.stageConfig.profile}, or export AWS_PROFILE=${context.stageConfig.profile} after unsetting the static keys.`
          : `Switch to credentials for account ${allowedAccounts.join(" or ")}.`,
        "If this account is right, add it to the stage's accounts in the configuration.",
      ],
      data: { account: identity.account, allowed: allowedAccounts },
    };
  }

  const region = context.region?.value;
  if (allowedRegions) {
    if (!region) {
      return {
        status: "fail",
        summary: `no region is set, and ${stageLabel} allows only ${allowedRegions.join(", ")}`,
        guidance: [`Set the region with --region ${allowedRegions[0]}, AWS_REGION or the app config.`],
      };
    }
    if (!allowedRegions.includes(region)) {
      return {
        status: "fail",
        summary: `region ${region} (from ${context.region?.source}) is not allowed for ${stageLabel}; expected ${allowedRegions.join(" or ")}`,
        guidance: [`Deploy with --region ${allowedRegions[0]}, or add ${region} to ${configured}.regions in ${context.configOrigin}.`],
        data: { region, allowed: allowedRegions },
      };
    }
  }

  return {
    status: "pass",
    summary: `account ${identity.account}${region ? ` and region ${region}` : ""} are allowed for ${stageLabel}`,
    data: { account: identity.account, ...(region ? { region } : {}) },
  };
}
