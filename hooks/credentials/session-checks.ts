// Checks that need the identity: a session from GetSessionToken without MFA, which
// aws-vault makes by default, cannot call IAM, so a deploy that creates IAM roles
// fails late inside CloudFormation with "The security token included in the request
// is invalid".
import type { AwsCredentialIdentity } from "@smithy/types";
import { mergedProfile } from "../../plugin/aws/profiles.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import type { Analysis } from "./analysis.js";
import type { Finding } from "./findings.js";

export function sessionFindings(context: PreflightContext, analysis: Analysis, credentials: AwsCredentialIdentity): Finding[] {
  const arn = context.identity?.arn ?? "";
  // A session token with an IAM user ARN means GetSessionToken; roles show as assumed-role.
  if (!/:user\//.test(arn) || !credentials.sessionToken) return [];
  const vault = context.env.AWS_VAULT;
  if (analysis.sessionTool?.name === "aws-vault" && vault) {
    const settings = mergedProfile(analysis.setup.files, vault);
    if (settings?.mfa_serial) return [];
    return [
      {
        code: "session-without-mfa",
        severity: "warning",
        message: `aws-vault's session for profile ${vault} comes from GetSessionToken without MFA, and such a session cannot call IAM, so a deploy that creates IAM roles fails late in CloudFormation`,
        profile: vault,
        fix: `Add mfa_serial to [profile ${vault}] so aws-vault asks for a code, or run aws-vault exec --no-session ${vault} -- <command>.`,
      },
    ];
  }
  return [
    {
      code: "get-session-token-session",
      severity: "info",
      message: `the credentials are a GetSessionToken session of ${arn}; unless it was made with MFA, it cannot call IAM`,
    },
  ];
}
