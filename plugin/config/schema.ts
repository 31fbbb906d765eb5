// The one configuration schema. Inline options, preflight.config.* files and the
// package.json "sst-preflight" key are all validated against it.
import { z } from "zod";

export const HOOK_IDS = ["credentials", "account", "bootstrap", "serviceRole", "permissions"] as const;
export type HookId = (typeof HOOK_IDS)[number];

export const TOOL_NAMES = ["sst-v1", "sst-v2", "sst-v3", "cdk"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const DEFAULT_COMMANDS = ["deploy", "dev", "start", "remove", "diff", "bootstrap"];

const accountId = z
  .string()
  .regex(/^\d{12}$/, "expected a 12-digit AWS account ID such as \"111111111111\"");

const regionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region name such as \"eu-west-1\"");

export const stageSchema = z.strictObject({
  /** Account IDs this stage may deploy to. */
  accounts: z.array(accountId).min(1).optional(),
  /** Regions this stage may deploy to. */
  regions: z.array(regionName).min(1).optional(),
  /** Profile the team uses for this stage. */
  profile: z.string().min(1).optional(),
  /** CloudFormation service role passed to the deploy (`--role-arn`). */
  roleArn: z.string().min(1).optional(),
  /** Refuse `dev`/`start` and ask for confirmation before a deploy. */
  protected: z.boolean().optional(),
});

const checkSetting = z.enum(["on", "off", "warn"]);

export const permissionsSchema = z.strictObject({
  strategy: z.enum(["admin", "services", "policy-file", "service-role", "none"]).optional(),
  services: z.array(z.string().regex(/^[a-z0-9-]+$/, "expected an IAM service prefix such as \"lambda\"")).optional(),
  customDomain: z.boolean().optional(),
  policyFile: z.string().min(1).optional(),
  extraActions: z.array(z.string().regex(/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/, "expected an IAM action such as \"sqs:CreateQueue\"")).optional(),
  /** Evaluate the caller's own policies when the simulation API is denied. */
  fallback: z.boolean().optional(),
});

export const bootstrapSchema = z.strictObject({
  fix: z.enum(["never", "prompt", "auto"]).optional(),
  regions: z.array(regionName).optional(),
  minVersion: z.number().int().positive().optional(),
  qualifier: z.string().regex(/^[A-Za-z0-9_-]{1,10}$/, "expected 1 to 10 letters, digits, '_' or '-'").optional(),
  toolkitStackName: z.string().min(1).optional(),
});

export const configSchema = z.strictObject({
  /** JSON Schema of this file for editors, such as "./node_modules/sst-preflight/schema/config.schema.json"; not used by the checks. */
  $schema: z.string().optional(),
  /** Overrides the detected tool. */
  tool: z.enum(TOOL_NAMES).optional(),
  /** Stage settings by stage name; the key "*" applies to every stage not listed, such as personal stages. */
  stages: z.record(z.string().min(1), stageSchema).optional(),
  /** Stage used by the CDK wrapper when none is given. */
  defaultStage: z.string().min(1).optional(),
  /** Commands of the wrapped tool that trigger the checks. */
  commands: z.array(z.string().min(1)).optional(),
  /** Per check: "on", "off", or "warn" to report a failure as a warning. */
  checks: z.partialRecord(z.enum(HOOK_IDS), checkSetting).optional(),
  credentials: z
    .strictObject({
      /** Warn when the session expires within this many minutes. */
      expiryMarginMinutes: z.number().nonnegative().optional(),
      /** Time limit of a profile's credential_process, in seconds. */
      processTimeoutSeconds: z.number().positive().max(600).optional(),
    })
    .optional(),
  permissions: permissionsSchema.optional(),
  bootstrap: bootstrapSchema.optional(),
  /** Time budget of the whole run, in seconds. */
  timeoutSeconds: z.number().positive().max(3600).optional(),
  /** Timeout of one AWS call, in seconds. */
  awsCallTimeoutSeconds: z.number().positive().max(300).optional(),
});

export type StageConfig = z.infer<typeof stageSchema>;
export type PreflightConfig = z.infer<typeof configSchema>;
export type CheckSetting = z.infer<typeof checkSetting>;

/** Returns `config` unchanged, typed, for use in preflight.config.ts. */
export function defineConfig(config: PreflightConfig): PreflightConfig {
  return config;
}
