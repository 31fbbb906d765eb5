// Session expiry from every source that records it: AWS_CREDENTIAL_EXPIRATION (read by
// the SDK, which still uses expired keys), AWS_SESSION_EXPIRATION (Granted and older
// aws-vault), the SSO token cache, and the expiration of the resolved credentials.
// Expired fails; within the margin warns, because a deploy can outlast the session.
import type { ChainPlan } from "./chain/types.js";
import type { Finding } from "./findings.js";

export const DEFAULT_EXPIRY_MARGIN_MINUTES = 15;

export interface Expiry {
  at: Date;
  /** Origin of the time, such as "AWS_CREDENTIAL_EXPIRATION". */
  source: string;
  /** True when the tool renews the credentials by itself before they expire. */
  renewable: boolean;
}

export interface ExpiryCheck {
  margin: number;
  now: number;
  /** How to get a new session, shown with an expired or expiring one. */
  refresh: string;
}

/** Reads the expiry variables that apply when environment keys are used. */
export function environmentExpiry(env: NodeJS.ProcessEnv): { expiry?: Expiry; problems: Finding[] } {
  const problems: Finding[] = [];
  for (const name of ["AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION"]) {
    const text = env[name];
    if (!text) continue;
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) {
      problems.push({ code: "invalid-expiration", severity: "warning", message: `${name} = ${text} is not an ISO-8601 time, so the session's expiry is unknown`, fix: `Fix or unset ${name}.` });
      continue;
    }
    return { expiry: { at, source: name, renewable: false }, problems };
  }
  return { problems };
}

/** Returns the SSO token expiry of the chain, when the SDK cannot refresh the token. */
export function ssoExpiry(plan: ChainPlan): Expiry | undefined {
  const token = plan.steps.find((step) => step.kind === "sso")?.ssoToken;
  if (!token?.expiresAt || token.state !== "valid") return undefined;
  return { at: new Date(token.expiresAt), source: `the SSO login token (${token.path})`, renewable: token.refreshable };
}

/** Names what the expiration of resolved credentials belongs to, from the chain's last step. */
export function resolvedExpirySource(plan: ChainPlan): string {
  switch (plan.steps[plan.steps.length - 1]?.kind) {
    case "assume-role":
      return "the assumed role's session";
    case "sso":
      return "the SSO role credentials";
    case "credential-process":
      return "the credential_process output";
    case "web-identity":
      return "the web identity session";
    case "container":
      return "the container credentials";
    case "instance-metadata":
      return "the instance role credentials";
    default:
      return "the resolved credentials";
  }
}

/** True when the tool can get new credentials from the chain without the user. */
export function isRenewableChain(plan: ChainPlan): boolean {
  const first = plan.steps[0];
  if (!first || plan.mfa.length > 0) return false;
  if (first.kind === "environment-keys" || (first.kind === "static-keys" && first.sessionToken)) return false;
  if (first.kind === "sso") return first.ssoToken?.refreshable === true;
  return true;
}

export function checkExpiry(expiry: Expiry | undefined, check: ExpiryCheck): Finding | undefined {
  if (!expiry) return undefined;
  const minutesLeft = (expiry.at.getTime() - check.now) / 60_000;
  const at = expiry.at.toISOString();
  if (minutesLeft <= 0) {
    return {
      code: "session-expired",
      severity: "error",
      message: `the session expired at ${at} (${Math.max(1, Math.round(-minutesLeft))} min ago, from ${expiry.source})`,
      fix: check.refresh,
    };
  }
  if (minutesLeft < check.margin && !expiry.renewable) {
    return {
      code: "session-expiring",
      severity: "warning",
      message: `the session expires at ${at}, in ${Math.floor(minutesLeft)} min (from ${expiry.source}), less than the ${check.margin}-minute margin for a deploy`,
      fix: check.refresh,
    };
  }
  return undefined;
}
