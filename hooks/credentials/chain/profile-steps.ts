// Builds the chain step for each way a profile can produce credentials, with the file
// and line of its setting and the problems the step has before any call is made.
import { existsSync } from "node:fs";
import type { ProfileSettings } from "../../../plugin/aws/profiles.js";
import type { Finding } from "../findings.js";
import { maskAccessKeyId } from "../mask.js";
import { readSsoToken, ssoLoginCommand } from "../sources/sso.js";
import type { ChainStep } from "./types.js";
import { locateKey, locateSsoSession, type CredentialSetup } from "./setup.js";

export const CREDENTIAL_SOURCES = ["EcsContainer", "Ec2InstanceMetadata", "Environment"];

export interface StepResult {
  step: ChainStep;
  problems: Finding[];
}

export function staticKeysStep(setup: CredentialSetup, profile: string, data: ProfileSettings): StepResult {
  const where = locateKey(setup, profile, "aws_access_key_id");
  const masked = maskAccessKeyId(data.aws_access_key_id);
  const token = typeof data.aws_session_token === "string";
  return {
    step: {
      kind: "static-keys",
      description: `${token ? "session keys" : "static keys"} of profile ${profile}`,
      profile,
      ...where,
      ...(masked ? { accessKeyId: masked } : {}),
      sessionToken: token,
    },
    problems: [],
  };
}

export function assumeRoleStep(setup: CredentialSetup, profile: string, data: ProfileSettings): StepResult {
  const roleArn = data.role_arn ?? "";
  const where = locateKey(setup, profile, "role_arn");
  const problems: Finding[] = [];
  const duration = data.duration_seconds === undefined ? undefined : Number.parseInt(data.duration_seconds, 10);
  if (data.duration_seconds !== undefined && (duration === undefined || Number.isNaN(duration) || duration < 900 || duration > 43_200)) {
    problems.push({
      code: "invalid-duration-seconds",
      severity: "error",
      message: `duration_seconds = ${data.duration_seconds} in profile ${profile} is not a number of seconds between 900 and 43200`,
      profile,
      ...locateKey(setup, profile, "duration_seconds"),
      fix: "Set duration_seconds to a whole number from 900 to 43200, or remove it for the default of 3600.",
    });
  }
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) {
    problems.push({
      code: "invalid-role-arn",
      severity: "error",
      message: `role_arn = ${roleArn} in profile ${profile} is not an IAM role ARN`,
      profile,
      ...where,
      fix: "Use the form arn:aws:iam::<12-digit account>:role/<name>.",
    });
  }
  const mfa = data.mfa_serial ? ` with MFA ${data.mfa_serial}` : "";
  return {
    step: {
      kind: "assume-role",
      description: `assume role ${roleArn}${mfa}`,
      profile,
      ...where,
      roleArn,
      ...(data.mfa_serial ? { mfaSerial: data.mfa_serial } : {}),
      ...(data.external_id ? { externalId: true } : {}),
      ...(data.role_session_name ? { roleSessionName: data.role_session_name } : {}),
      ...(duration !== undefined && !Number.isNaN(duration) ? { durationSeconds: duration } : {}),
    },
    problems,
  };
}

export function credentialSourceStep(setup: CredentialSetup, profile: string, source: string): StepResult {
  const where = locateKey(setup, profile, "credential_source");
  const problems: Finding[] = [];
  const env = setup.env;
  if (!CREDENTIAL_SOURCES.includes(source)) {
    problems.push({
      code: "invalid-credential-source",
      severity: "error",
      message: `credential_source = ${source} in profile ${profile} is not supported`,
      profile,
      ...where,
      fix: `Use one of ${CREDENTIAL_SOURCES.join(", ")} (the names are case-sensitive).`,
    });
  } else if (source === "Environment" && !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) {
    problems.push({
      code: "credential-source-environment-empty",
      severity: "error",
      message: `profile ${profile} takes its source credentials from the environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set`,
      profile,
      ...where,
      fix: "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or change credential_source.",
    });
  } else if (source === "EcsContainer" && !env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    problems.push({
      code: "credential-source-container-missing",
      severity: "error",
      message: `profile ${profile} uses credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
      profile,
      ...where,
      fix: "Run inside ECS or CodeBuild, or start a credentials server such as aws-vault exec --ecs-server.",
    });
  } else if (source === "Ec2InstanceMetadata" && metadataDisabled(env)) {
    problems.push({
      code: "credential-source-metadata-disabled",
      severity: "error",
      message: `profile ${profile} uses credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is set`,
      profile,
      ...where,
      fix: "Unset AWS_EC2_METADATA_DISABLED on EC2, or use another credential_source.",
    });
  }
  return { step: { kind: "credential-source", description: `${describeSource(source)} (credential_source of profile ${profile})`, profile, ...where, credentialSource: source }, problems };
}

function describeSource(source: string): string {
  if (source === "Environment") return "keys from the environment";
  if (source === "EcsContainer") return "container credentials";
  if (source === "Ec2InstanceMetadata") return "instance metadata credentials";
  return `credential source ${source}`;
}

export function metadataDisabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.AWS_EC2_METADATA_DISABLED;
  return Boolean(value) && value !== "false";
}

export function processStep(setup: CredentialSetup, profile: string, data: ProfileSettings): StepResult {
  const command = data.credential_process ?? "";
  const leapp = /^\s*leapp\s+session\s+generate\b/.test(command);
  return {
    step: {
      kind: "credential-process",
      description: `run credential_process of profile ${profile}${leapp ? " (Leapp)" : ""}`,
      profile,
      ...locateKey(setup, profile, "credential_process"),
      command,
    },
    problems: [],
  };
}

export function webIdentityStep(setup: CredentialSetup, profile: string, data: ProfileSettings): StepResult {
  const tokenFile = data.web_identity_token_file ?? "";
  const where = locateKey(setup, profile, "web_identity_token_file");
  const problems: Finding[] = [];
  if (!existsSync(tokenFile)) {
    problems.push({
      code: "web-identity-token-missing",
      severity: "error",
      message: `web_identity_token_file ${tokenFile} of profile ${profile} does not exist`,
      profile,
      ...where,
      fix: "Point web_identity_token_file to the OIDC token file your platform writes.",
    });
  }
  return {
    step: { kind: "web-identity", description: `assume role ${data.role_arn ?? ""} with the web identity token in ${tokenFile}`, profile, ...where, roleArn: data.role_arn ?? "", tokenFile },
    problems,
  };
}

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
