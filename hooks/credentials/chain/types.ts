// The offline explanation of how a deploy tool will get its credentials: the links of
// its provider chain (environment, profile, web identity, container, instance
// metadata) and, for the link it will use, the ordered steps, first step first.
import type { Finding } from "../findings.js";

export type LinkKind = "environment" | "profile" | "web-identity" | "container" | "instance-metadata";

export interface ChainLink {
  kind: LinkKind;
  /**
   * "selected" means the tool uses this link, and "not-set" that nothing configures it.
   * "skipped" means it is configured but the tool passes over it, and "unused" that the
   * tool does not try it at all.
   */
  state: "selected" | "not-set" | "skipped" | "unused";
  /** Reason for the state, such as "AWS_PROFILE is set, so the SDK skips environment keys". */
  reason: string;
  /** The profile, for profile links. */
  profile?: string;
}

export type StepKind =
  | "environment-keys"
  | "static-keys"
  | "assume-role"
  | "credential-source"
  | "sso"
  | "credential-process"
  | "web-identity"
  | "container"
  | "instance-metadata"
  | "login-session";

export interface SsoTokenState {
  /** Path of the token cache file. */
  path: string;
  state: "valid" | "expired" | "missing" | "unreadable";
  expiresAt?: string;
  /** True when the cache contains what the SDK needs to refresh the token by itself. */
  refreshable: boolean;
}

export interface ChainStep {
  kind: StepKind;
  /** One line for people, such as "assume role arn:aws:iam::111111111111:role/deploy". */
  description: string;
  /** Profile that contains the settings of this step. */
  profile?: string;
  /** File and line of the setting that selects this step. */
  file?: string;
  line?: number;
  /** Masked access key ID, for key steps. */
  accessKeyId?: string;
  /** True when a session token comes with the keys. */
  sessionToken?: boolean;
  roleArn?: string;
  mfaSerial?: string;
  /** True when an external ID is sent; the ID itself is not reported. */
  externalId?: boolean;
  roleSessionName?: string;
  durationSeconds?: number;
  credentialSource?: string;
  ssoSession?: string;
  ssoStartUrl?: string;
  ssoAccountId?: string;
  ssoRoleName?: string;
  ssoToken?: SsoTokenState;
  /** The credential_process command line. */
  command?: string;
  /** Web identity token file. */
  tokenFile?: string;
  /** Container credentials endpoint. */
  uri?: string;
}

export interface ChainPlan {
  links: ChainLink[];
  /** Steps of the selected link, in the order the tool runs them. */
  steps: ChainStep[];
  /** Configuration errors and remarks about the selected chain. */
  problems: Finding[];
  /** Profiles the selected chain reads, starting with the selected profile. */
  profiles: string[];
  /** MFA devices the chain needs a code for, in the order the SDK requests them. */
  mfa: Array<{ serial: string; profile: string }>;
}

/** Joins the steps into one line: "static keys of profile base → assume role …". */
export function formatSteps(steps: readonly ChainStep[]): string {
  return steps.map((step) => step.description).join(" → ");
}
