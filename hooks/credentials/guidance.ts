// Maps credential and STS failures to a result that says what is wrong and how
// to fix it, naming the source that produced the credentials.
import type { AwsCallError } from "../../plugin/aws/call.js";
import { describeError } from "../../plugin/errors.js";
import type { HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import type { CredentialPlan } from "./provider.js";

export function providerFailure(context: PreflightContext, plan: CredentialPlan, error: unknown, details: string[]): HookOutcome {
  const message = describeError(error);
  if (/Could not load credentials from any providers/i.test(message)) {
    return {
      status: "fail",
      summary: "no AWS credentials found",
      details: [...details, `SDK error: ${message}`],
      guidance: [
        "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or select a profile with --profile or AWS_PROFILE.",
        "For SSO profiles, run: aws sso login --profile <name>",
      ],
    };
  }
  if (/timed out/i.test(message)) {
    return { status: "unknown", summary: `resolving credentials from ${plan.description} timed out`, details: [...details, message] };
  }
  const profile = context.profile?.value;
  const ssoHint = /sso/i.test(message) && profile ? [`Run: aws sso login --profile ${profile}`] : [];
  return {
    status: "fail",
    summary: `could not resolve credentials from ${plan.description}: ${firstLine(message)}`,
    details: [...details, message],
    guidance: ssoHint.length ? ssoHint : [`Fix the settings of ${profile ? `profile ${profile}` : "the credential source"} named above.`],
  };
}

export function identityFailure(context: PreflightContext, plan: CredentialPlan, error: AwsCallError, details: string[]): HookOutcome {
  const from = `the credentials from ${plan.description}`;
  switch (error.kind) {
    case "expired-token":
      return {
        status: "fail",
        summary: `${from} are expired (ExpiredToken)`,
        details: [...details, error.message],
        guidance: plan.kind === "profile" && context.profile
          ? [`Refresh the session of profile ${context.profile.value}: re-enable it in Leapp, run aws sso login --profile ${context.profile.value}, or write new keys to the credentials file.`]
          : refreshGuidance(context),
      };
    case "invalid-token":
      return {
        status: "fail",
        summary: `AWS does not recognise the access key ID of ${from} (InvalidClientTokenId)`,
        details: [...details, error.message],
        guidance: ["The key was deleted, deactivated, belongs to another partition, or a session token is missing or stale; create or export a valid key."],
      };
    case "signature":
      return {
        status: "fail",
        summary: `the secret access key of ${from} does not match its key ID (SignatureDoesNotMatch)`,
        details: [...details, error.message],
        guidance: ["Copy the secret key again; look for a stray space, quote or newline around it."],
      };
    case "timeout":
    case "network":
    case "server":
    case "throttled":
    case "malformed-response":
      return {
        status: "unknown",
        summary: `sts:GetCallerIdentity could not be completed: ${error.message}`,
        details,
        guidance: ["Check the network connection and any AWS_ENDPOINT_URL setting, then run again."],
      };
    default:
      return { status: "fail", summary: `sts:GetCallerIdentity failed: ${error.message}`, details };
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

/** Returns how to get fresh session credentials, tailored to the tool that exported them. */
export function refreshGuidance(context: PreflightContext): string[] {
  const env = context.env;
  if (env.AWS_VAULT) return [`Start a new session: aws-vault exec ${env.AWS_VAULT} -- <your command>`];
  if (env.GRANTED_SSO || env.AWS_SESSION_EXPIRATION) return ["Run Granted's assume again to get a new session."];
  return ["Get new session credentials from the tool that exported them, then run again."];
}
