// Commands and messages the bootstrap check shows: the `cdk bootstrap` command for an
// environment, and what to do when a read was denied or failed.
import type { AwsCallError } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { DEFAULT_QUALIFIER, DEFAULT_TOOLKIT_STACK_NAME } from "./settings.js";
import type { BootstrapSettings, Finding, Target } from "./types.js";

/** Arguments of `cdk bootstrap` for one environment, with the flags the app's settings need. */
export function bootstrapArgs(target: Target, settings: BootstrapSettings): string[] {
  const args = [`aws://${target.account}/${target.region}`];
  if (settings.qualifier.value !== DEFAULT_QUALIFIER) args.push("--qualifier", settings.qualifier.value);
  if (settings.toolkitStackName.value !== DEFAULT_TOOLKIT_STACK_NAME) args.push("--toolkit-stack-name", settings.toolkitStackName.value);
  if (settings.bucketName) args.push("--toolkit-bucket-name", settings.bucketName.value);
  if (settings.permissionsBoundary) args.push("--custom-permissions-boundary", settings.permissionsBoundary.value);
  return args;
}

/** Returns the command a person runs, with --profile when the deploy uses a named profile. */
export function bootstrapCommand(context: PreflightContext, target: Target, settings: BootstrapSettings): string {
  const profile = context.profile ? ` --profile ${context.profile.value}` : "";
  return `npx cdk bootstrap ${bootstrapArgs(target, settings).join(" ")}${profile}`;
}

export function partitionOf(context: PreflightContext): string {
  return context.identity?.arn.split(":")[1] || "aws";
}

/** Turns a failed read into an unknown finding that names the action and resource needed. */
export function readFailure(context: PreflightContext, error: AwsCallError, resource: string, unknownFact: string): Finding {
  const caller = context.identity?.arn ?? "the caller";
  if (error.kind === "access-denied") {
    return {
      status: "unknown",
      state: "access-denied",
      summary: `${error.action} on ${resource} was denied, so ${unknownFact} is unknown`,
      details: [`AWS error: ${firstLine(error.message)}`],
      guidance: [`Allow ${error.action} on ${resource} for ${caller}, or run the check with credentials that may read it.`],
    };
  }
  const hints: Partial<Record<AwsCallError["kind"], string>> = {
    timeout: "Check the network, or raise awsCallTimeoutSeconds in the configuration.",
    network: "Check the network connection and any proxy or AWS_ENDPOINT_URL setting.",
    throttled: "AWS is throttling the calls; run the check again in a minute.",
    "expired-token": "Refresh the session, then run again.",
    "invalid-token": "The credentials are not valid for this account; check the credentials source.",
  };
  return {
    status: "unknown",
    state: "read-failed",
    summary: `${error.action} on ${resource} failed (${error.kind}), so ${unknownFact} is unknown`,
    details: [`AWS error: ${firstLine(error.message)}`],
    guidance: [hints[error.kind] ?? "Run the check again with --verbose and report the error if it stays."],
  };
}

export function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
