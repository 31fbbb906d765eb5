// The credentials check: resolve credentials as the wrapped tool will, refuse a
// broken setup before any AWS call, then confirm the identity with
// sts:GetCallerIdentity.
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { AwsCallError, callAws } from "../../plugin/aws/call.js";
import { loadSharedFiles, profileNames } from "../../plugin/aws/profiles.js";
import type { Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { describeError } from "../../plugin/errors.js";
import { identityFailure, providerFailure, refreshGuidance } from "./guidance.js";
import { maskAccessKeyId } from "./mask.js";
import { followProfileChain, nearestProfile } from "./profile-chain.js";
import { planCredentials, shareProvider } from "./provider.js";

const DEFAULT_EXPIRY_MARGIN_MINUTES = 15;

export const credentialsHook: Hook = {
  id: "credentials",
  title: "credentials",
  run: checkCredentials,
};

async function checkCredentials(context: PreflightContext): Promise<HookOutcome> {
  const offlineProblem = await checkProfileOffline(context);
  if (offlineProblem) return offlineProblem;

  const plan = await planCredentials(context);
  const provider = shareProvider(plan.provider);
  const details = [`source: ${plan.description}`, ...settingLines(context)];

  if (context.offline) {
    return { status: "skip", summary: `offline: would use ${plan.description}`, details };
  }

  let identity: AwsCredentialIdentity;
  try {
    identity = await withDeadline(provider(), context.awsCallTimeoutMs * 2, "resolving credentials");
  } catch (error) {
    return providerFailure(context, plan, error, details);
  }

  const masked = maskAccessKeyId(identity.accessKeyId);
  context.credentials = {
    provider,
    source: plan.description,
    kind: plan.kind,
    identity,
    ...(masked ? { accessKeyIdMasked: masked } : {}),
    ...(identity.expiration ? { expiration: identity.expiration } : {}),
  };
  context.aws.setCredentials(provider);
  details.push(`access key ID: ${masked ?? "(none)"}`);

  const expiry = checkExpiry(context, identity.expiration);
  if (expiry?.status === "fail") return { ...expiry, details: [...details, ...(expiry.details ?? [])] };

  try {
    const sts = await context.aws.sts(context.region?.value);
    const output = await callAws("sts:GetCallerIdentity", (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }), {
      timeoutMs: context.awsCallTimeoutMs,
      signal: context.signal,
    });
    context.identity = { account: output.Account ?? "", arn: output.Arn ?? "", userId: output.UserId ?? "" };
  } catch (error) {
    if (error instanceof AwsCallError) return identityFailure(context, plan, error, details);
    throw error;
  }

  details.push(`identity: ${context.identity.arn}`);
  if (identity.expiration) details.push(`expires: ${identity.expiration.toISOString()}`);
  const summary = `${context.identity.arn} via ${plan.description} (${masked ?? "no key ID"})`;
  if (expiry) return { ...expiry, summary: `${summary}; ${expiry.summary}`, details: [...details, ...(expiry.details ?? [])] };
  return { status: "pass", summary, details, data: { account: context.identity.account, arn: context.identity.arn } };
}

/** Finds problems that need no AWS call: an unknown profile, a broken chain, MFA without a terminal. */
async function checkProfileOffline(context: PreflightContext): Promise<HookOutcome | undefined> {
  const profile = context.profile;
  if (!profile) return undefined;
  const files = await loadSharedFiles(context.env);
  const chain = followProfileChain(files, profile.value);

  if (chain.links.length === 0) {
    const known = profileNames(files);
    const nearest = nearestProfile(files, profile.value);
    const listing = [
      `profiles in ${files.configPath}: ${Object.keys(files.config).join(", ") || "(none)"}`,
      `profiles in ${files.credentialsPath}: ${Object.keys(files.credentials).join(", ") || "(none)"}`,
    ];
    return {
      status: "fail",
      summary: `profile "${profile.value}" (from ${profile.source}) does not exist`,
      details: listing,
      guidance: [
        nearest ? `Did you mean "${nearest}"? Use --profile ${nearest} or fix ${profile.source}.` : `Use one of: ${known.join(", ") || "(no profiles found)"}.`,
        `Or add [profile ${profile.value}] to ${files.configPath}.`,
      ],
      data: { profile: profile.value, known },
    };
  }
  if (chain.missingSource) {
    return {
      status: "fail",
      summary: `profile "${chain.missingSource.from}" names source_profile "${chain.missingSource.name}", which does not exist`,
      guidance: [`Add [profile ${chain.missingSource.name}] to ${files.configPath}, or fix source_profile in [profile ${chain.missingSource.from}].`],
    };
  }
  if (chain.cycle) {
    return {
      status: "fail",
      summary: `the source_profile links of profile "${profile.value}" form a cycle: ${chain.cycle.join(" → ")}`,
      guidance: ["Make the last profile of the chain hold static keys, SSO settings or credential_source instead of another source_profile."],
    };
  }
  if (chain.mfaSerial && !context.interactive && !context.offline) {
    const why = context.env.CI ? "CI is set" : "stdin is not a terminal";
    return {
      status: "fail",
      summary: `profile "${chain.mfaSerial.profile}" needs an MFA code for ${chain.mfaSerial.serial}, but no one can enter it (${why})`,
      details: [`mfa_serial = ${chain.mfaSerial.serial} in profile ${chain.mfaSerial.profile}`],
      guidance: [
        "In CI, use a role that needs no MFA, or GitHub OIDC (web identity) credentials.",
        "On a workstation, run in a terminal, or start a session first with aws-vault exec or Granted's assume and run the deploy inside it.",
      ],
      data: { mfaSerial: chain.mfaSerial.serial },
    };
  }
  return undefined;
}

function checkExpiry(context: PreflightContext, expiration: Date | undefined): HookOutcome | undefined {
  if (!expiration) return undefined;
  if (Number.isNaN(expiration.getTime())) {
    return { status: "fail", summary: "the credentials carry an invalid expiration time", guidance: ["Check AWS_CREDENTIAL_EXPIRATION or the credential_process output: it must be an ISO-8601 time."] };
  }
  const minutesLeft = (expiration.getTime() - Date.now()) / 60_000;
  const margin = context.config.credentials?.expiryMarginMinutes ?? DEFAULT_EXPIRY_MARGIN_MINUTES;
  if (minutesLeft <= 0) {
    return {
      status: "fail",
      summary: `the session expired at ${expiration.toISOString()} (${Math.round(-minutesLeft)} min ago)`,
      guidance: refreshGuidance(context),
    };
  }
  if (minutesLeft < margin) {
    return {
      status: "warn",
      summary: `the session expires in ${Math.floor(minutesLeft)} min (${expiration.toISOString()}), less than the ${margin} min margin`,
      guidance: ["Refresh the session before a long deploy.", ...refreshGuidance(context)],
    };
  }
  return undefined;
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(describeError(error)));
      },
    );
  });
}

function settingLines(context: PreflightContext): string[] {
  const lines: string[] = [];
  lines.push(context.profile ? `profile: ${context.profile.value} (from ${context.profile.source})` : "profile: none");
  lines.push(context.region ? `region: ${context.region.value} (from ${context.region.source})` : "region: none found");
  return lines;
}
