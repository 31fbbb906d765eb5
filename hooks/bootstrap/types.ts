// Shapes shared by the bootstrap check: the environments it checks, what it found in
// each, and the settings that name the bootstrap the app expects.
import type { CheckStatus, Sourced } from "../../plugin/runner/types.js";

/** A minimum bootstrap version and the source that requires it. */
export interface Requirement {
  version: number;
  source: string;
}

/** One account and region to check. */
export interface Target {
  account: string;
  region: string;
  /** Reasons this environment is checked, such as "the deploy region (from AWS_REGION)". */
  reasons: string[];
  /** Version minimums that apply to this environment only, such as those of the cloud assembly. */
  requirements: Requirement[];
  /** True for the stage's own environment, where SST keeps its own bootstrap. */
  primary: boolean;
  /** Set when the credentials are for another account, so the environment cannot be read. */
  unreachable?: string;
}

/** Names of the app's CDK bootstrap, each value with its source. */
export interface BootstrapSettings {
  qualifier: Sourced<string>;
  toolkitStackName: Sourced<string>;
  /** SSM parameter that contains the version, normally `/cdk-bootstrap/<qualifier>/version`. */
  parameterName: Sourced<string>;
  /** Custom asset bucket name, passed to `cdk bootstrap --toolkit-bucket-name`. */
  bucketName?: Sourced<string>;
  /** Permissions boundary name, passed to `--custom-permissions-boundary`. */
  permissionsBoundary?: Sourced<string>;
  /** Minimums that apply to every environment: the configuration and the tool's floor. */
  requirements: Requirement[];
  /** Lines for the report about conflicting settings, such as a stale cloud assembly. */
  notes: string[];
}

/** One problem (or an observation) in one environment. */
export interface Finding {
  status: CheckStatus;
  /** Stable name of the state, such as "missing" or "rollback-complete". */
  state: string;
  summary: string;
  details?: string[];
  guidance?: string[];
  /** True when running `cdk bootstrap` repairs it without deleting anything. */
  fixable?: boolean;
}

/** Facts the CDK toolkit check read in one environment. */
export interface ToolkitFacts {
  stackName: string;
  /** CloudFormation status, or null when the stack does not exist. */
  stackStatus: string | null;
  parameterName: string;
  /** Version in the SSM parameter, or null when it is missing or unreadable. */
  version: number | null;
  /** `BootstrapVersion` output of the stack. */
  stackVersion: number | null;
  /** `Qualifier` parameter of the stack. */
  stackQualifier: string | null;
  bucketName: string | null;
  /** Whether the asset bucket exists; null when it was not checked or could not be read. */
  bucketExists: boolean | null;
  missingRoles: string[];
}

/** A `cdk bootstrap` run and its outcome. */
export interface FixRecord {
  attempted: boolean;
  /** The command as shown to the user, without credentials. */
  command: string;
  /** Reason the fix did not run or failed. */
  reason?: string;
  exitCode?: number;
  durationMs?: number;
  /** Status of the environment when checked again after the run. */
  recheck?: CheckStatus;
}

/** Result of the check for one environment. */
export interface TargetReport {
  target: Target;
  status: CheckStatus;
  state: string;
  summary: string;
  findings: Finding[];
  toolkit: ToolkitFacts | null;
  required: Requirement;
  requirements: Requirement[];
  sst: Record<string, unknown> | null;
  fix: FixRecord | null;
}
