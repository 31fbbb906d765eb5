// The credentials check. Offline, it explains how the wrapped tool will get credentials
// and stops a broken setup before any AWS call. Online, it resolves them link by link
// with the SDK's providers and confirms the identity with one sts:GetCallerIdentity call.
import type { AwsCredentialIdentity } from "@smithy/types";
import { AwsCallError } from "../../plugin/aws/call.js";
import { describeError } from "../../plugin/errors.js";
import type { Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { analyse, type Analysis } from "./analysis.js";
import { sessionChildEnv, toolArgsSelectProfile } from "./child-env.js";
import { resolveConflictAccounts } from "./conflict-accounts.js";
import { checkExpiry, isRenewableChain, resolvedExpirySource } from "./expiry.js";
import type { Finding } from "./findings.js";
import { getCallerIdentity, identityFailure } from "./identity.js";
import { maskAccessKeyId } from "./mask.js";
import { MfaCodes } from "./mfa.js";
import { buildOutcome, type ReportInput } from "./report.js";
import { DeadlineError, resolveCredentials } from "./resolve.js";
import { sessionFindings } from "./session-checks.js";
import { DEFAULT_PROCESS_TIMEOUT_MS } from "./sources/process.js";

export const credentialsHook: Hook = {
  id: "credentials",
  title: "credentials",
  run: checkCredentials,
};

export async function checkCredentials(context: PreflightContext): Promise<HookOutcome> {
  const analysis = await analyse(context);
  const report = (extra: Omit<ReportInput, "analysis" | "mode" | "profile" | "region" | "findings"> & { findings?: Finding[] } = {}) =>
    buildOutcome({
      analysis,
      mode: context.offline ? "offline" : "online",
      profile: analysis.decision.profile,
      region: context.region,
      ...extra,
      findings: [...analysis.findings, ...(extra.findings ?? [])],
    });

  if (analysis.findings.some((finding) => finding.severity === "error") || context.offline) return report();
  return await checkOnline(context, analysis, report);
}

async function checkOnline(context: PreflightContext, analysis: Analysis, report: (extra?: Partial<ReportInput>) => HookOutcome): Promise<HookOutcome> {
  const { plan, setup } = analysis;
  passProfileToTool(context, analysis);

  const codes = new MfaCodes((question, options) => context.prompt(question, options));
  if (plan.mfa.length > 0) {
    // The time a person takes to type the code does not count against the run's budget.
    const resumeBudget = context.pauseBudget?.() ?? (() => {});
    try {
      await codes.collect(plan);
    } catch (error) {
      if (context.signal.aborted) throw error;
      return report({ findings: [{ code: "mfa-code-missing", severity: "error", message: `no MFA code was entered: ${describeError(error)}`, fix: "Run again and enter the current code of the MFA device." }] });
    } finally {
      resumeBudget();
    }
  }

  const outcome = await resolveCredentials({
    tool: context.tool.name,
    plan,
    env: context.env,
    configPath: setup.files.configPath,
    credentialsPath: setup.files.credentialsPath,
    ...(context.region ? { region: context.region.value } : {}),
    ...(context.tool.name === "sst-v3" ? {} : { mfaCodeProvider: codes.provider }),
    ...(typeof context.appConfig?.role === "string" && context.tool.name === "sst-v2" ? { webIdentityRole: context.appConfig.role } : {}),
    callTimeoutMs: context.awsCallTimeoutMs,
    processTimeoutMs: (context.config.credentials?.processTimeoutSeconds ?? DEFAULT_PROCESS_TIMEOUT_MS / 1000) * 1000,
    signal: context.signal,
  });
  let identity = outcome.identity;
  if (!identity) {
    const timedOut = outcome.attempts.some((attempt) => attempt.timedOut);
    const findings: Finding[] = outcome.problem ? [outcome.problem] : outcome.attempts.map((attempt) => linkFinding(attempt, analysis));
    return report({ findings, attempts: outcome.attempts, ...(timedOut ? { status: "unknown" as const } : {}) });
  }

  const findings: Finding[] = [];
  const selected = plan.links.find((link) => link.state === "selected");
  if (selected && outcome.link !== selected.kind) {
    findings.push({
      code: "fell-back",
      severity: "warning",
      message: `the ${selected.kind} credentials failed (${outcome.attempts[0]?.error ?? "no error"}), so the tool falls back to ${outcome.link} credentials`,
      fix: `Fix the ${selected.kind} credentials named above, or remove them if the ${outcome.link} credentials are the ones you want.`,
    });
  }

  // The SDK turns an unparsable AWS_CREDENTIAL_EXPIRATION into an Invalid Date; the
  // environment check already warns about the variable, so the time counts as unknown.
  if (identity.expiration && Number.isNaN(identity.expiration.getTime())) {
    const { expiration: _invalid, ...rest } = identity;
    identity = rest;
  }
  const accessKeyId = maskAccessKeyId(identity.accessKeyId);
  const provider = async (): Promise<AwsCredentialIdentity> => identity;
  context.credentials = {
    provider,
    source: analysis.source,
    kind: selected?.kind ?? "unknown",
    identity,
    ...(accessKeyId ? { accessKeyIdMasked: accessKeyId } : {}),
    ...(identity.expiration ? { expiration: identity.expiration } : {}),
  };
  context.aws.setCredentials(provider);

  const expiry = identity.expiration
    ? { at: identity.expiration, source: analysis.expiry?.source ?? resolvedExpirySource(plan), renewable: isRenewableChain(plan) }
    : analysis.expiry;
  const expiryFinding = checkExpiry(expiry, { margin: analysis.margin, now: Date.now(), refresh: analysis.refresh });
  if (expiryFinding) findings.push(expiryFinding);
  const base = { attempts: outcome.attempts, ...(accessKeyId ? { accessKeyId } : {}), ...(expiry ? { expiration: expiry } : {}), mfaPrompted: codes.prompted.length > 0 };
  if (expiryFinding?.severity === "error") return report({ ...base, findings });

  try {
    context.identity = await getCallerIdentity({
      clients: context.aws,
      region: context.region?.value,
      timeoutMs: context.awsCallTimeoutMs,
      signal: context.signal,
      ...(context.preload ? { whileWaiting: context.preload } : {}),
    });
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error;
    const failure = identityFailure(error, { source: analysis.source, firstStep: plan.steps[0], credentialsPath: setup.files.credentialsPath, refresh: analysis.refresh });
    return report({ ...base, findings: [...findings, failure.finding], status: failure.status });
  }

  findings.push(...(await resolveConflictAccounts(context, analysis)));
  findings.push(...sessionFindings(context, analysis, identity));
  if (codes.prompted.length > 0) {
    context.childEnv = { ...context.childEnv, ...sessionChildEnv(identity, context.region) };
    if (!context.flags.checkOnly) {
      context.changes.notes.push("The MFA session resolved by the checks is passed to the wrapped tool in its environment, so it does not ask for a code again.");
    }
    if (toolArgsSelectProfile(context.toolArgs) && (context.tool.name === "cdk" || context.tool.name === "sst-v1")) {
      findings.push({ code: "tool-prompts-again", severity: "info", message: "the wrapped command passes --profile, which makes it read the profile itself and ask for the MFA code again", fix: "Drop --profile from the wrapped command to reuse the session." });
    }
  }
  return report({ ...base, findings, identity: { account: context.identity.account, arn: context.identity.arn } });
}

/**
 * Passes the checked profile to the wrapped tool when the tool would not pick it by itself:
 * the stage's profile, or a --profile given to sst-preflight but not to the tool.
 */
function passProfileToTool(context: PreflightContext, analysis: Analysis): void {
  const { decision } = analysis;
  if (!decision.profile) return;
  const name = decision.profile.value;
  const ownFlag = decision.winner?.kind === "flag" && context.tool.name !== "sst-v3" && !toolArgsSelectProfile(context.toolArgs);
  // After an MFA prompt the session keys reach the tool instead, and --profile would make it ask again.
  if (ownFlag && !context.flags.checkOnly && analysis.plan.mfa.length === 0) {
    context.changes.args.push("--profile", name);
    context.changes.notes.push(`--profile ${name} is passed on to the wrapped tool, which would otherwise not use it.`);
    return;
  }
  if (decision.passedAs !== "AWS_PROFILE") return;
  context.childEnv = { ...context.childEnv, AWS_PROFILE: name };
  // Inside sst.config.ts, SST v2 reads the profile from the config that config() returns.
  if (context.appConfig && context.tool.name === "sst-v2") context.changes.sstConfig.profile = name;
  if (!context.flags.checkOnly) context.changes.notes.push(`Profile ${name} (${decision.profile.source}) is passed to the wrapped tool.`);
}

function linkFinding(attempt: { kind: string; error: string; timedOut: boolean }, analysis: Analysis): Finding {
  const profile = analysis.decision.profile?.value;
  let fix = "Fix the setting named in the error, then run again.";
  if (/sso/i.test(attempt.error) && profile) fix = `Run: aws sso login --profile ${profile}`;
  else if (attempt.timedOut) fix = "Check the network and the credential source, then run again.";
  return {
    code: attempt.timedOut ? "link-timed-out" : "link-failed",
    severity: "error",
    message: `the ${attempt.kind} credentials of ${analysis.source} failed: ${attempt.error}`,
    fix,
  };
}

export { DeadlineError };
