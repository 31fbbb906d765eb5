// Builds the step of an SSO profile, legacy (sso_start_url in the profile) or with an
// sso_session, and reads its token cache to report a missing or expired login.
import type { ProfileSettings } from "../../../plugin/aws/profiles.js";
import type { Finding } from "../findings.js";
import { readSsoToken, ssoLoginCommand } from "../sources/sso.js";
import type { StepResult } from "./profile-steps.js";
import { locateKey, locateSsoSession, type CredentialSetup } from "./setup.js";
import type { ChainStep } from "./types.js";

export function ssoStep(setup: CredentialSetup, profile: string, data: ProfileSettings): StepResult {
  const problems: Finding[] = [];
  const sessionName = data.sso_session;
  const session = sessionName ? setup.files.ssoSessions[sessionName] : undefined;
  const where = locateKey(setup, profile, sessionName ? "sso_session" : "sso_start_url");

  if (sessionName && !session) {
    problems.push({
      code: "missing-sso-session",
      severity: "error",
      message: `profile ${profile} names sso_session = ${sessionName}, but the config file has no [sso-session ${sessionName}] section (the JS SDK then fails with "Cannot read properties of undefined")`,
      profile,
      ...where,
      fix: `Add [sso-session ${sessionName}] with sso_start_url and sso_region to ${setup.files.configPath}, or fix the name.`,
    });
    return { step: { kind: "sso", description: `SSO role of profile ${profile} (session ${sessionName})`, profile, ...where, ssoSession: sessionName }, problems };
  }

  const startUrl = session?.sso_start_url ?? data.sso_start_url;
  const region = session?.sso_region ?? data.sso_region;
  const missing = [
    ["sso_start_url", startUrl],
    ["sso_region", region],
    ["sso_account_id", data.sso_account_id],
    ["sso_role_name", data.sso_role_name],
  ].filter(([, value]) => !value).map(([key]) => key as string);
  if (missing.length > 0) {
    const at = sessionName && (missing.includes("sso_start_url") || missing.includes("sso_region")) ? locateSsoSession(setup, sessionName) : where;
    problems.push({
      code: "incomplete-sso-profile",
      severity: "error",
      message: `profile ${profile} is an SSO profile but lacks ${missing.join(", ")}`,
      profile,
      ...at,
      fix: `Add ${missing.join(", ")}, or run aws configure sso --profile ${profile} to write them.`,
    });
  }

  const step: ChainStep = {
    kind: "sso",
    description: `SSO role ${data.sso_role_name ?? "?"} in account ${data.sso_account_id ?? "?"} of profile ${profile}`,
    profile,
    ...where,
    ...(sessionName ? { ssoSession: sessionName } : {}),
    ...(startUrl ? { ssoStartUrl: startUrl } : {}),
    ...(data.sso_account_id ? { ssoAccountId: data.sso_account_id } : {}),
    ...(data.sso_role_name ? { ssoRoleName: data.sso_role_name } : {}),
  };
  const cacheId = sessionName ?? startUrl;
  if (cacheId) {
    const token = readSsoToken(setup.env, cacheId, Boolean(sessionName), setup.now);
    step.ssoToken = token;
    const login = ssoLoginCommand(profile, sessionName);
    if (token.state === "missing" || token.state === "unreadable") {
      problems.push({
        code: "sso-token-missing",
        severity: "error",
        message: `profile ${profile} has no ${token.state === "missing" ? "" : "readable "}SSO login token (expected ${token.path})`,
        profile,
        ...where,
        fix: `Run: ${login}`,
      });
    } else if (token.state === "expired" && !token.refreshable) {
      problems.push({
        code: "sso-token-expired",
        severity: "error",
        message: `the SSO login of profile ${profile} expired at ${token.expiresAt} and cannot be refreshed without signing in`,
        profile,
        ...where,
        fix: `Run: ${login}`,
      });
    }
  }
  return { step, problems };
}
