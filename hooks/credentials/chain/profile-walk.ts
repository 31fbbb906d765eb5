// Walks a profile the way the JS SDK's fromIni does (@aws-sdk/credential-provider-ini
// 3.973, resolveProfileData) and lists the steps it will take, without calling AWS.
// Within a profile, role_arn with exactly one of source_profile or credential_source
// comes first, then static keys, web_identity_token_file, credential_process, sso_*
// and login_session. A source profile with static keys ends the chain even when it
// has a role_arn itself.
import type { ProfileSettings } from "../../../plugin/aws/profiles.js";
import { uniqueFindings, type Finding } from "../findings.js";
import { credentialSourceStep } from "./credential-source-step.js";
import { assumeRoleStep, processStep, staticKeysStep, webIdentityStep, type StepResult } from "./profile-steps.js";
import { ssoStep } from "./sso-step.js";
import { explainProfileWithoutCredentials, explainUnknownProfile } from "./profile-problems.js";
import { locateKey, profileSettings, type CredentialSetup } from "./setup.js";
import type { ChainStep } from "./types.js";

export interface WalkResult {
  steps: ChainStep[];
  problems: Finding[];
  /** Profiles read, in the order the SDK visits them. */
  profiles: string[];
  mfa: Array<{ serial: string; profile: string }>;
}

const MAX_DEPTH = 32;

/** Walks the profile `name`; `selectedBy` names where the profile was chosen, such as "--profile". */
export function walkProfile(setup: CredentialSetup, name: string, selectedBy?: string): WalkResult {
  const result: WalkResult = { steps: [], problems: [], profiles: [], mfa: [] };
  if (!profileSettings(setup, name)) {
    result.problems.push(explainUnknownProfile(setup, name, selectedBy));
    return result;
  }
  resolve(setup, result, name, [], false, undefined, 0);
  result.problems = uniqueFindings(result.problems);
  return result;
}

function resolve(
  setup: CredentialSetup,
  result: WalkResult,
  name: string,
  visited: string[],
  credentialSourceOnly: boolean,
  parent: string | undefined,
  depth: number,
): void {
  const data = profileSettings(setup, name);
  if (!data) {
    const from = parent ?? name;
    result.problems.push({
      code: "missing-source-profile",
      severity: "error",
      message: `profile ${from} names source_profile = ${name}, which exists in neither ${setup.files.configPath} nor ${setup.files.credentialsPath}`,
      profile: from,
      ...locateKey(setup, from, "source_profile"),
      fix: `Add [profile ${name}] to ${setup.files.configPath}, or fix source_profile in profile ${from}.`,
    });
    return;
  }
  if (!result.profiles.includes(name)) result.profiles.push(name);
  checkBothSources(setup, result, name, data);
  if (depth > MAX_DEPTH) return;

  if (visited.length > 0 && isStatic(data)) {
    add(result, staticKeysStep(setup, name, data));
    return;
  }
  if (credentialSourceOnly || isAssumeRole(data)) {
    const source = data.source_profile;
    if (source !== undefined && visited.includes(source)) {
      result.problems.push({
        code: "source-profile-cycle",
        severity: "error",
        message: `the source_profile links of profile ${name} form a cycle: ${[...visited, source].join(" → ")}`,
        profile: name,
        ...locateKey(setup, name, "source_profile"),
        fix: "End the chain with a profile that holds static keys, SSO settings or credential_source instead of another source_profile.",
      });
      return;
    }
    if (source !== undefined) {
      const sourceData = profileSettings(setup, source);
      resolve(setup, result, source, [...visited, source], Boolean(sourceData && !sourceData.role_arn && sourceData.credential_source), name, depth + 1);
    } else if (data.credential_source !== undefined) {
      add(result, credentialSourceStep(setup, name, data.credential_source));
    }
    if (!credentialSourceOnly || data.role_arn) {
      const step = assumeRoleStep(setup, name, data);
      add(result, step);
      // The SDK requests the codes in step order: the innermost role's code first.
      if (data.mfa_serial) result.mfa.push({ serial: data.mfa_serial, profile: name });
    }
    return;
  }
  if (isStatic(data)) return add(result, staticKeysStep(setup, name, data));
  if (typeof data.web_identity_token_file === "string" && typeof data.role_arn === "string") return add(result, webIdentityStep(setup, name, data));
  if (typeof data.credential_process === "string") return add(result, processStep(setup, name, data));
  if (isSso(data)) return add(result, ssoStep(setup, name, data));
  if (typeof data.login_session === "string") {
    result.steps.push({ kind: "login-session", description: `console login session of profile ${name}`, profile: name, ...locateKey(setup, name, "login_session") });
    return;
  }
  result.problems.push(explainProfileWithoutCredentials(setup, name, data));
}

function add(result: WalkResult, step: StepResult): void {
  result.steps.push(step.step);
  result.problems.push(...step.problems);
}

/** Flags role_arn with both source_profile and credential_source, which the SDK does not accept. */
function checkBothSources(setup: CredentialSetup, result: WalkResult, name: string, data: ProfileSettings): void {
  if (data.role_arn === undefined || data.source_profile === undefined || data.credential_source === undefined) return;
  result.problems.push({
    code: "source-profile-and-credential-source",
    severity: "error",
    message: `profile ${name} sets both source_profile (${data.source_profile}) and credential_source (${data.credential_source}); exactly one of them is allowed with role_arn`,
    profile: name,
    ...locateKey(setup, name, "credential_source"),
    fix: `Remove source_profile or credential_source from profile ${name}.`,
  });
}

export function isStatic(data: ProfileSettings): boolean {
  return typeof data.aws_access_key_id === "string" && typeof data.aws_secret_access_key === "string";
}

export function isAssumeRole(data: ProfileSettings): boolean {
  if (typeof data.role_arn !== "string") return false;
  return (data.source_profile !== undefined) !== (data.credential_source !== undefined);
}

export function isSso(data: ProfileSettings): boolean {
  return ["sso_start_url", "sso_account_id", "sso_session", "sso_region", "sso_role_name"].some((key) => typeof data[key] === "string");
}
