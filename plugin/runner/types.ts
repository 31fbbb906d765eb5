// The shared, typed context that every hook reads and writes, and the shape of a
// hook and of its result.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AwsClients } from "../aws/clients.js";
import type { PreflightConfig, StageConfig, ToolName, HookId } from "../config/schema.js";
import type { SettingsInput } from "../tools/settings.js";

export type CheckStatus = "pass" | "warn" | "fail" | "skip" | "unknown";

/** A value together with where it came from, such as `--profile` or `AWS_REGION`. */
export interface Sourced<T> {
  value: T;
  source: string;
}

export interface ToolInfo {
  name: ToolName;
  /** Installed version of the tool's package, when it could be read. */
  version?: string;
  /** Reason the tool was chosen, such as "sst.config.ts and sst@2.49.8 in node_modules". */
  detectedBy: string;
}

export interface ResolvedCredentials {
  /** The provider the AWS clients use; resolves once and caches. */
  provider: AwsCredentialIdentityProvider;
  /** Human description of the winning source, such as "profile dev in ~/.aws/config (assume role)". */
  source: string;
  /** Machine-readable kind of the winning source. */
  kind: string;
  /** Access key ID with all but the first four and last four characters masked. */
  accessKeyIdMasked?: string;
  expiration?: Date;
  /** Credentials as resolved; never printed, logged or put in JSON. */
  identity?: AwsCredentialIdentity;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Changes that hooks ask the runner to apply to the wrapped tool. */
export interface ToolChanges {
  /** Arguments appended to the wrapped command line, such as `--role-arn`. */
  args: string[];
  /** Fields merged into the config returned to SST v2, such as `cdk.cloudFormationExecutionRole`. */
  sstConfig: Record<string, unknown>;
  /** Notes shown in the report about what was applied and why. */
  notes: string[];
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface PreflightContext {
  tool: ToolInfo;
  /** Command of the wrapped tool, such as "deploy"; "check" for a plain check. */
  command: string;
  /** Arguments of the wrapped tool after the command, as given. */
  toolArgs: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stage: Sourced<string> | undefined;
  /** Region the deploy targets, when one could be resolved. */
  region: Sourced<string> | undefined;
  /** Profile the wrapped tool will use; undefined when it uses no named profile. */
  profile: Sourced<string> | undefined;
  config: PreflightConfig;
  /** Source of the configuration: a file path, "sst.config.ts" or "defaults". */
  configOrigin: string;
  /** Merged settings of the "*" stage entry and the current stage's entry. */
  stageConfig: StageConfig;
  /** Settings of the SST v2 app config, when running inside sst.config.ts. */
  appConfig?: Record<string, unknown>;
  /** Whether the user can answer a prompt: stdin is a terminal and CI is not set. */
  interactive: boolean;
  /** Offline mode: no AWS call is made. */
  offline: boolean;
  /** Command-line choices that hooks act on. */
  flags: {
    /** --fix: repair what a check can repair, such as a missing bootstrap. */
    fix: boolean;
    /** --yes: confirm without a prompt. */
    yes: boolean;
    /** --role-arn: overrides the stage's roleArn. */
    roleArn?: string;
    /** The run only reports (the check command): no tool runs after it, so nothing needs confirming. */
    checkOnly?: boolean;
  };
  /** Inputs that the stage, profile and region were resolved from, so hooks can explain precedence. */
  settingsInput?: SettingsInput;
  /** Set by the credentials hook. */
  credentials?: ResolvedCredentials;
  /** Set by the credentials hook after sts:GetCallerIdentity. */
  identity?: CallerIdentity;
  aws: AwsClients;
  changes: ToolChanges;
  /**
   * Variables for the wrapped tool's environment, such as session credentials resolved
   * after an MFA prompt. Never reported and never passed as arguments.
   */
  childEnv?: Record<string, string>;
  /** Aborts when the run's time budget is spent or the user interrupts. */
  signal: AbortSignal;
  /** Timeout of a single AWS call, in milliseconds. */
  awsCallTimeoutMs: number;
  log: Logger;
  /**
   * Stops the run's time budget for work the user consented to that may take minutes,
   * such as running cdk bootstrap. Call the returned function when that work ends.
   */
  pauseBudget?(): () => void;
  /**
   * Starts loading the code of every hook. The credentials check calls it once its STS
   * request is out, so loading the other checks overlaps that round trip.
   */
  preload?(): void;
  /** Asks the user a question on stderr; rejects when the run is not interactive. */
  prompt(question: string, options?: { secret?: boolean }): Promise<string>;
}

export interface HookOutcome {
  status: CheckStatus;
  /** One line, shown next to the check name. */
  summary: string;
  /** Further lines, shown under the summary for warn, fail and unknown, and with --verbose. */
  details?: string[];
  /** Fixes for a warn, fail or unknown: commands, files, lines. */
  guidance?: string[];
  /** Structured facts for --json, such as the versions found and required. */
  data?: Record<string, unknown>;
}

export interface Hook {
  id: HookId;
  title: string;
  /** Hooks whose outcome this hook needs; it waits for them and is skipped when one of them did not pass. */
  needs?: HookId[];
  /**
   * Decides the outcome when a needed hook did not pass; without it the hook is skipped.
   * A guard uses it so that an unverified identity cannot slip past it.
   */
  whenNeedsUnmet?(context: PreflightContext, unmet: CheckResult): HookOutcome | Promise<HookOutcome>;
  /** Returns a reason to skip the hook for this context, or undefined to run it. */
  skipReason?(context: PreflightContext): string | undefined | Promise<string | undefined>;
  /** Starts loading the hook's code ahead of its run, such as while an AWS request is in flight. */
  prepare?(): void;
  run(context: PreflightContext): Promise<HookOutcome>;
}

export interface CheckResult extends HookOutcome {
  id: HookId;
  title: string;
  details: string[];
  guidance: string[];
  durationMs: number;
  /** True when the configuration turned a fail into a warn. */
  downgraded?: boolean;
}
