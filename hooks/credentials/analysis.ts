// The part of the credentials check that needs no network call. It finds the source the
// tool picks and why, the chain of steps, the lint findings, the environment and region
// findings, the expiry known locally, and whether an MFA prompt can happen. It reads
// local files only.
import { loadSharedFiles } from "../../plugin/aws/profiles.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { decideProfile, type ProfileDecision } from "../../plugin/tools/profile-precedence.js";
import type { SettingsInput } from "../../plugin/tools/settings.js";
import { planChain } from "./chain/plan.js";
import type { CredentialSetup } from "./chain/setup.js";
import type { ChainPlan } from "./chain/types.js";
import { checkExpiry, DEFAULT_EXPIRY_MARGIN_MINUTES, environmentExpiry, ssoExpiry, type Expiry } from "./expiry.js";
import { sortFindings, uniqueFindings, type Finding } from "./findings.js";
import { lintSetup, scanSharedFiles } from "./lint/index.js";
import { checkMfaPossible } from "./mfa.js";
import { explainPrecedence, type Conflict } from "./precedence.js";
import { inspectRegion } from "./region.js";
import { inspectEnvironment } from "./sources/environment.js";
import { inspectProjectEnv } from "./sources/project-env.js";
import { detectSessionTool, refreshAdvice, type SessionTool } from "./sources/session-tools.js";

export interface Analysis {
  input: SettingsInput;
  decision: ProfileDecision;
  setup: CredentialSetup;
  plan: ChainPlan;
  findings: Finding[];
  conflicts: Conflict[];
  sessionTool?: SessionTool;
  /** Expiry known before any call, from the environment or the SSO token cache. */
  expiry?: Expiry;
  /** Human description of the source the tool uses. */
  source: string;
  margin: number;
  refresh: string;
}

export async function analyse(context: PreflightContext, now = Date.now()): Promise<Analysis> {
  const files = context.settingsInput?.files ?? (await loadSharedFiles(context.env));
  const input: SettingsInput = { ...(context.settingsInput ?? fallbackInput(context)), files };
  const stageName = context.stage?.value;
  const decision = decideProfile(input, context.stageConfig, stageName);

  const scanned = await scanSharedFiles(context.env, files);
  const setup: CredentialSetup = { files, scans: scanned.scans, env: context.env, now };
  const role = context.tool.name === "sst-v2" && typeof context.appConfig?.role === "string" ? context.appConfig.role : undefined;
  const plan = planChain(setup, { tool: context.tool.name, decision, ...(role ? { webIdentityRole: role } : {}) });
  const selected = new Set([...plan.profiles, ...(decision.profile ? [decision.profile.value] : [])]);

  const lint = [...scanned.findings, ...lintSetup(setup, selected)].map((finding) =>
    // A missing file named by AWS_CONFIG_FILE matters once a profile must be read from it.
    finding.code === "shared-file-missing" && decision.profile ? { ...finding, severity: "warning" as const } : finding,
  );
  const precedence = explainPrecedence(input, context.stageConfig, stageName, decision);
  const source = describeSource(decision, plan);
  const sessionTool = detectSessionTool(context.env, plan.steps);
  const refresh = refreshAdvice(sessionTool, context.env, decision.profile?.value);
  const margin = context.config.credentials?.expiryMarginMinutes ?? DEFAULT_EXPIRY_MARGIN_MINUTES;

  const expiryFindings: Finding[] = [];
  let expiry: Expiry | undefined;
  if (plan.steps[0]?.kind === "environment-keys" || plan.steps[0]?.credentialSource === "Environment") {
    const fromEnv = environmentExpiry(context.env);
    expiryFindings.push(...fromEnv.problems);
    expiry = fromEnv.expiry;
  }
  expiry ??= ssoExpiry(plan);
  const expiryFinding = checkExpiry(expiry, { margin, now, refresh });
  if (expiryFinding) expiryFindings.push(expiryFinding);

  const mfa = checkMfaPossible(plan, { tool: context.tool.name, interactive: context.interactive, env: context.env });
  const findings = uniqueFindings(
    sortFindings([
      ...plan.problems,
      ...(mfa ? [mfa] : []),
      ...expiryFindings,
      ...lint,
      ...precedence.findings,
      ...inspectEnvironment(context.env),
      ...inspectRegion(input, decision.profile),
      ...inspectProjectEnv(context.cwd, stageName, source),
    ]),
  );
  return {
    input,
    decision,
    setup,
    plan,
    findings,
    conflicts: precedence.conflicts,
    ...(sessionTool ? { sessionTool } : {}),
    ...(expiry ? { expiry } : {}),
    source,
    margin,
    refresh,
  };
}

/** Describes the source the tool uses, such as "profile dev (from AWS_PROFILE)". */
export function describeSource(decision: ProfileDecision, plan: ChainPlan): string {
  if (decision.profile) return `profile ${decision.profile.value} (from ${decision.profile.source})`;
  const link = plan.links.find((candidate) => candidate.state === "selected");
  switch (link?.kind) {
    case "environment":
      return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment";
    case "web-identity":
      return "the web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)";
    case "container":
      return "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*_URI)";
    case "instance-metadata":
      return "the EC2 instance metadata service";
    default:
      return "no credential source";
  }
}

/** Rebuilds the settings input from the context when the session did not record it. */
function fallbackInput(context: PreflightContext): Omit<SettingsInput, "files"> {
  const flag = (sourced: { value: string; source: string } | undefined, name: string) => (sourced?.source === name ? sourced.value : undefined);
  const stage = flag(context.stage, "--stage");
  const profile = flag(context.profile, "--profile");
  const region = flag(context.region, "--region");
  const app = context.appConfig;
  const text = (key: string) => (typeof app?.[key] === "string" ? (app[key] as string) : undefined);
  return {
    tool: context.tool.name,
    cwd: context.cwd,
    env: context.env,
    flags: { ...(stage ? { stage } : {}), ...(profile ? { profile } : {}), ...(region ? { region } : {}) },
    project: {
      origin: app ? "sst.config.ts" : "the project",
      ...(text("stage") ? { stage: text("stage")! } : {}),
      ...(text("profile") ? { profile: text("profile")! } : {}),
      ...(text("region") ? { region: text("region")! } : {}),
    },
  };
}
