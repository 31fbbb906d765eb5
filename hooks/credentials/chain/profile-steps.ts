// Builds the chain step for each way a profile can produce credentials, with the file
// and line of its setting and the problems the step has before any call is made.
import { existsSync } from "node:fs";
import type { ProfileSettings } from "../../../plugin/aws/profiles.js";
import type { Finding } from "../findings.js";
import { maskAccessKeyId } from "../mask.js";
import type { ChainStep } from "./types.js";
import { locateKey, type CredentialSetup } from "./setup.js";

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
