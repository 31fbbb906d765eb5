// Confirms the identity with sts:GetCallerIdentity and turns its failures into a
// finding that names the credential source and the fix: ExpiredToken for a session
// whose tool must renew it, InvalidClientTokenId, SignatureDoesNotMatch.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { AwsCallError, callAws } from "../../plugin/aws/call.js";
import { AwsClients } from "../../plugin/aws/clients.js";
import type { CallerIdentity } from "../../plugin/runner/types.js";
import type { ChainStep } from "./chain/types.js";
import type { Finding } from "./findings.js";
import { isFileSessionStep } from "./sources/session-tools.js";

export interface IdentityCall {
  clients: AwsClients;
  region: string | undefined;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called once the request is out, to overlap other work with the round trip. */
  whileWaiting?: () => void;
}

export async function getCallerIdentity(call: IdentityCall): Promise<CallerIdentity> {
  // Loaded on first use, so an offline run does not pay for the STS client.
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = await call.clients.sts(call.region);
  const pending = callAws("sts:GetCallerIdentity", (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }), {
    timeoutMs: call.timeoutMs,
    signal: call.signal,
  });
  // Module loading runs on this thread; started after the request is on its way, it
  // fills the time spent waiting for the response.
  if (call.whileWaiting) setImmediate(call.whileWaiting);
  const output = await pending;
  const account = output.Account ?? "";
  const arn = output.Arn ?? "";
  // A response without a valid account or ARN proves nothing, so it must not pass.
  if (!/^\d{12}$/.test(account) || !/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(arn)) {
    const got = `Account ${JSON.stringify(output.Account ?? null)}, Arn ${JSON.stringify(output.Arn ?? null)}`;
    throw new AwsCallError("sts:GetCallerIdentity", "malformed-response", undefined, `sts:GetCallerIdentity returned no valid identity (${got})`, output.$metadata?.httpStatusCode);
  }
  return { account, arn, userId: output.UserId ?? "" };
}

/** Resolves another credential source's account, for conflicts; undefined when that fails. */
export async function accountOf(provider: AwsCredentialIdentityProvider, call: Omit<IdentityCall, "clients">): Promise<string | undefined> {
  const clients = new AwsClients({ requestTimeoutMs: call.timeoutMs, credentials: provider, maxAttempts: 1, ...(call.region ? { defaultRegion: call.region } : {}) });
  try {
    return (await getCallerIdentity({ ...call, clients })).account || undefined;
  } catch {
    return undefined;
  } finally {
    await clients.destroy();
  }
}

export interface IdentityFailureContext {
  /** Description of the credential source, such as "profile dev (from AWS_PROFILE)". */
  source: string;
  firstStep: ChainStep | undefined;
  credentialsPath: string;
  /** How to renew the session, from the tool that made it. */
  refresh: string;
}

export function identityFailure(error: AwsCallError, context: IdentityFailureContext): { status: "fail" | "unknown"; finding: Finding } {
  const from = `the credentials from ${context.source}`;
  const step = context.firstStep;
  switch (error.kind) {
    case "expired-token": {
      if (isFileSessionStep(step, context.credentialsPath)) {
        return {
          status: "fail",
          finding: {
            code: "file-session-expired",
            severity: "error",
            message: `STS returned ExpiredToken for the session keys of profile ${step?.profile} in ${context.credentialsPath}; keys written to that file carry no expiry, so only AWS can tell they are stale`,
            profile: step?.profile ?? "",
            file: context.credentialsPath,
            ...(step?.line ? { line: step.line } : {}),
            fix: `Re-enable the session in the tool that wrote them (start it again in Leapp), or write fresh keys to [${step?.profile}] in ${context.credentialsPath}.`,
          },
        };
      }
      return { status: "fail", finding: { code: "expired-token", severity: "error", message: `${from} are expired (STS returned ExpiredToken)`, fix: context.refresh } };
    }
    case "invalid-token":
      return {
        status: "fail",
        finding: {
          code: "invalid-token",
          severity: "error",
          message: `AWS does not recognise the access key ID of ${from} (InvalidClientTokenId)`,
          fix: "The key was deleted or deactivated, belongs to another partition, or its session token is missing or stale: create or export a valid key.",
        },
      };
    case "signature":
      return {
        status: "fail",
        finding: { code: "signature-mismatch", severity: "error", message: `the secret access key of ${from} does not match its key ID (SignatureDoesNotMatch)`, fix: "Copy the secret key again; look for a stray space, quote or line break around it." },
      };
    case "timeout":
    case "network":
    case "server":
    case "throttled":
    case "malformed-response":
      return {
        status: "unknown",
        finding: { code: "identity-unknown", severity: "warning", message: `sts:GetCallerIdentity could not be completed: ${error.message}`, fix: "Check the network connection and any AWS_ENDPOINT_URL setting, then run again." },
      };
    default:
      return { status: "fail", finding: { code: "identity-failed", severity: "error", message: `sts:GetCallerIdentity failed for ${from}: ${error.message}` } };
  }
}

export { AwsCallError };
