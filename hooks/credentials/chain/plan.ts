// Lays out a deploy tool's credential chain offline: the links it tries in its own
// order, the one it will use, and the steps of that link. The JS SDK's node chain (SST
// v2, the CDK CLI without --profile) tries environment keys, the profile, web identity,
// then container or instance metadata credentials. The Go SDK of SST v3 tries web
// identity before the default profile. --profile makes the CDK CLI and SST v1, and a
// profile makes SST v3, read that profile only.
import type { ToolName } from "../../../plugin/config/schema.js";
import { hasCdkEnvKeys, type ProfileDecision } from "../../../plugin/tools/profile-precedence.js";
import type { Finding } from "../findings.js";
import { describeMissingCredentials } from "../sources/github.js";
import { containerStep, environmentKeysStep, instanceMetadataStep, webIdentityEnvStep, type SourceResult } from "../sources/remote.js";
import { metadataDisabled } from "./credential-source-step.js";
import { walkProfile } from "./profile-walk.js";
import type { CredentialSetup } from "./setup.js";
import type { ChainLink, ChainPlan, LinkKind } from "./types.js";

export interface PlanOptions {
  tool: ToolName;
  decision: ProfileDecision;
  /** SST v2's `role` setting, which its SDK chain uses as the web identity role. */
  webIdentityRole?: string;
}

export function planChain(setup: CredentialSetup, options: PlanOptions): ChainPlan {
  const { env } = setup;
  const { tool, decision } = options;
  const profileOnly = decision.profile !== undefined && isProfileOnly(tool, decision);
  const onlyReason = tool === "sst-v3" ? "SST v3 hands the profile to the Go SDK, which then reads only that profile" : "--profile makes the tool read only that profile";

  const states = new Map<LinkKind, ChainLink>();
  const set = (kind: LinkKind, state: ChainLink["state"], reason: string, extra: Partial<ChainLink> = {}) => states.set(kind, { kind, state, reason, ...extra });

  const keysSet = tool === "cdk" || tool === "sst-v1" ? hasCdkEnvKeys(env) : Boolean(env.AWS_ACCESS_KEY_ID) && Boolean(env.AWS_SECRET_ACCESS_KEY);
  const keysReason = decision.overridden.find((source) => source.kind === "environment-keys")?.reason;
  if (decision.usesEnvKeys) set("environment", "selected", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set");
  else if (keysSet) set("environment", profileOnly ? "unused" : "skipped", keysReason ?? "a profile is selected");
  else set("environment", "not-set", partialKeysReason(env));

  if (decision.profile) set("profile", "selected", `profile ${decision.profile.value} from ${decision.profile.source}`, { profile: decision.profile.value });
  else set("profile", "not-set", "no profile is selected and the default profile holds no credentials");

  const remoteReason = profileOnly ? onlyReason : undefined;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) set("web-identity", remoteReason ? "unused" : "skipped", remoteReason ?? "AWS_WEB_IDENTITY_TOKEN_FILE is set");
  else set("web-identity", remoteReason ? "unused" : "not-set", remoteReason ?? "AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  const container = Boolean(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
  if (container) set("container", remoteReason ? "unused" : "skipped", remoteReason ?? "AWS_CONTAINER_CREDENTIALS_*_URI is set");
  else set("container", remoteReason ? "unused" : "not-set", remoteReason ?? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set");
  if (remoteReason) set("instance-metadata", "unused", remoteReason);
  else if (container) set("instance-metadata", "unused", "container credentials are configured, so the SDK does not try instance metadata");
  else if (metadataDisabled(env)) set("instance-metadata", "not-set", "AWS_EC2_METADATA_DISABLED is set");
  else set("instance-metadata", "skipped", "the SDK tries the instance metadata service last; it answers only on EC2");

  const order: LinkKind[] =
    tool === "sst-v3" && !decision.profile
      ? ["environment", "web-identity", "profile", "container", "instance-metadata"]
      : ["environment", "profile", "web-identity", "container", "instance-metadata"];
  const links = order.map((kind) => states.get(kind)!);
  const selected = links.find((link) => link.state === "selected") ?? links.find((link) => link.state === "skipped" && link.kind !== "environment");
  if (selected && selected.state !== "selected") {
    selected.state = "selected";
    if (selected.kind === "instance-metadata") selected.reason = "nothing else is configured, so the tool falls back to the instance metadata service, which answers only on EC2";
  }
  for (const link of links) {
    if (link !== selected && link.state === "selected") link.state = "skipped";
    if (selected && link !== selected && link.state === "skipped" && links.indexOf(link) > links.indexOf(selected)) {
      link.reason = `${link.reason}; tried only when ${selected.kind} credentials fail`;
    }
  }

  const plan: ChainPlan = { links, steps: [], problems: [], profiles: [], mfa: [] };
  if (!selected) {
    plan.problems.push(noCredentials(env, links));
    return plan;
  }
  const add = (result: SourceResult) => {
    plan.steps.push(result.step);
    plan.problems.push(...result.problems);
  };
  switch (selected.kind) {
    case "environment":
      add(environmentKeysStep(env));
      break;
    case "profile": {
      const walk = walkProfile(setup, selected.profile!, decision.profile?.source);
      plan.steps.push(...walk.steps);
      plan.problems.push(...walk.problems);
      plan.profiles = walk.profiles.length ? walk.profiles : [selected.profile!];
      plan.mfa = walk.mfa;
      break;
    }
    case "web-identity":
      add(webIdentityEnvStep(env, options.webIdentityRole));
      break;
    case "container":
      add(containerStep(env));
      break;
    case "instance-metadata":
      add(instanceMetadataStep());
      break;
  }
  return plan;
}

/** True when the tool reads the selected profile and nothing else. */
export function isProfileOnly(tool: ToolName, decision: ProfileDecision): boolean {
  const kind = decision.winner?.kind;
  if (tool === "sst-v3") return decision.profile !== undefined && kind !== "default";
  if (tool === "cdk" || tool === "sst-v1") return kind === "flag" || kind === "config";
  return false;
}

function partialKeysReason(env: NodeJS.ProcessEnv): string {
  if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) return "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not";
  if (!env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not";
  return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set";
}

function noCredentials(env: NodeJS.ProcessEnv, links: readonly ChainLink[]): Finding {
  const tried = links.map((link) => `${link.kind}: ${link.reason}`).join("; ");
  const hint = describeMissingCredentials(env);
  return {
    code: "no-credentials",
    severity: "error",
    message: `no credential source is configured (${tried})${hint.detail ? `; ${hint.detail}` : ""}`,
    fix: hint.fix,
  };
}
