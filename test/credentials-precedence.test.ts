// The profile, key and region source each deploy tool uses when several are set, and
// the warnings that name the winner and the reason.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { SharedFiles } from "../plugin/aws/profiles.js";
import type { StageConfig, ToolName } from "../plugin/config/schema.js";
import { decideProfile } from "../plugin/tools/profile-precedence.js";
import { decideRegion } from "../plugin/tools/region-precedence.js";
import type { SettingsInput } from "../plugin/tools/settings.js";
import { explainPrecedence } from "../hooks/credentials/precedence.js";
import { inspectRegion } from "../hooks/credentials/region.js";

const KEYS = { AWS_ACCESS_KEY_ID: "AKIAPRECEDENCE000001", AWS_SECRET_ACCESS_KEY: "precedenceFakeSecret" };

function files(config: SharedFiles["config"] = {}, credentials: SharedFiles["credentials"] = {}): SharedFiles {
  return { configPath: "/home/u/.aws/config", credentialsPath: "/home/u/.aws/credentials", config, credentials, ssoSessions: {} };
}

const PROFILES = files(
  { dev: { region: "eu-west-1", sso_session: "corp" }, prod: { region: "eu-central-1", role_arn: "arn:aws:iam::111111111111:role/deploy", source_profile: "base" } },
  { base: { aws_access_key_id: "AKIABASE000000000001", aws_secret_access_key: "x" } },
);

function input(tool: ToolName, options: Partial<Omit<SettingsInput, "tool">> = {}): SettingsInput {
  return { tool, cwd: "/tmp/project", env: {}, flags: {}, project: { origin: "sst.config.ts" }, files: PROFILES, ...options };
}

// ---

const profiles = suite("profile precedence");

profiles("AWS_PROFILE beats static keys for SST v2", () => {
  const decision = decideProfile(input("sst-v2", { env: { ...KEYS, AWS_PROFILE: "dev" } }), {});
  assert.equal(decision.profile, { value: "dev", source: "AWS_PROFILE" });
  assert.is(decision.usesEnvKeys, false);
  const keys = decision.overridden.find((source) => source.kind === "environment-keys");
  assert.match(keys!.reason, "skips environment keys when AWS_PROFILE is set");
});

profiles("static keys beat AWS_PROFILE for the CDK CLI and SST v1", () => {
  for (const tool of ["cdk", "sst-v1"] as const) {
    const decision = decideProfile(input(tool, { env: { ...KEYS, AWS_PROFILE: "dev" } }), {});
    assert.is(decision.profile, undefined, tool);
    assert.is(decision.usesEnvKeys, true, tool);
    assert.match(decision.overridden[0]!.reason, "reads environment keys before AWS_PROFILE", tool);
  }
});

profiles("a profile beats static keys for SST v3", () => {
  const decision = decideProfile(input("sst-v3", { env: { ...KEYS, AWS_PROFILE: "dev" } }), {});
  assert.equal(decision.profile, { value: "dev", source: "AWS_PROFILE" });
  assert.match(decision.overridden[0]!.reason, "Go SDK");
});

profiles("SST v2 drops --profile when both keys are set", () => {
  const decision = decideProfile(input("sst-v2", { env: KEYS, flags: { profile: "prod" } }), {});
  assert.is(decision.usesEnvKeys, true);
  assert.match(decision.overridden[0]!.reason, "drops --profile");
});

profiles("SST v2 config profile beats AWS_PROFILE", () => {
  const decision = decideProfile(input("sst-v2", { env: { AWS_PROFILE: "dev" }, project: { origin: "sst.config.ts", profile: "prod" } }), {});
  assert.equal(decision.profile, { value: "prod", source: "sst.config.ts" });
});

profiles("SST v3 lets AWS_PROFILE override the config profile", () => {
  const decision = decideProfile(input("sst-v3", { env: { AWS_PROFILE: "dev" }, project: { origin: "sst.config.ts", profile: "prod" } }), {});
  assert.equal(decision.profile, { value: "dev", source: "AWS_PROFILE" });
  assert.match(decision.overridden[0]!.reason, "override providers.aws.profile");
});

profiles("SST_AWS_NO_PROFILE drops the SST v3 config profile", () => {
  const decision = decideProfile(input("sst-v3", { env: { ...KEYS, SST_AWS_NO_PROFILE: "1" }, project: { origin: "sst.config.ts", profile: "prod" } }), {});
  assert.is(decision.usesEnvKeys, true);
  assert.match(decision.overridden[0]!.reason, "SST_AWS_NO_PROFILE");
});

profiles("--profile makes the CDK CLI read only that profile", () => {
  const decision = decideProfile(input("cdk", { env: { ...KEYS, AWS_PROFILE: "dev" }, flags: { profile: "prod" } }), {});
  assert.equal(decision.profile, { value: "prod", source: "--profile" });
  for (const loser of decision.overridden) assert.match(loser.reason, "read only that profile");
});

profiles("cdk.json profile counts as --profile", () => {
  const decision = decideProfile(input("cdk", { env: KEYS, project: { origin: "cdk.json", profile: "prod" } }), {});
  assert.equal(decision.profile, { value: "prod", source: "cdk.json" });
});

profiles("AWS_DEFAULT_PROFILE works for the CDK CLI only", () => {
  const cdk = decideProfile(input("cdk", { env: { AWS_DEFAULT_PROFILE: "dev" } }), {});
  assert.equal(cdk.profile, { value: "dev", source: "AWS_DEFAULT_PROFILE" });
  const sst = decideProfile(input("sst-v2", { env: { AWS_DEFAULT_PROFILE: "dev" } }), {});
  assert.is(sst.profile, undefined);
  assert.match(sst.overridden[0]!.reason, "ignores AWS_DEFAULT_PROFILE");
});

profiles("stage profile applies when nothing else is set", () => {
  const stage: StageConfig = { profile: "prod" };
  const decision = decideProfile(input("cdk"), stage, "prod");
  assert.is(decision.profile?.value, "prod");
  assert.match(decision.profile!.source, "passed as AWS_PROFILE");
  assert.is(decision.passedAs, "AWS_PROFILE");
});

profiles("default profile counts only with credentials", () => {
  const withRegionOnly = files({ default: { region: "eu-west-1" } });
  assert.is(decideProfile(input("sst-v2", { files: withRegionOnly }), {}).winner, undefined);
  const withKeys = files({}, { default: { aws_access_key_id: "AKIADEFAULT000000001", aws_secret_access_key: "x" } });
  assert.is(decideProfile(input("sst-v2", { files: withKeys }), {}).profile?.value, "default");
});

profiles("SST v3 tries web identity before the default profile", () => {
  const withKeys = files({}, { default: { aws_access_key_id: "AKIADEFAULT000000001", aws_secret_access_key: "x" } });
  const decision = decideProfile(input("sst-v3", { files: withKeys, env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/token" } }), {});
  assert.is(decision.winner, undefined);
});

profiles.run();

// ---

const warnings = suite("precedence warnings");

warnings("profile and keys warn with the winner for the tool", () => {
  const settings = input("sst-v2", { env: { ...KEYS, AWS_PROFILE: "dev", AWS_SESSION_TOKEN: "token" } });
  const decision = decideProfile(settings, {});
  const result = explainPrecedence(settings, {}, undefined, decision);
  const finding = result.findings.find((entry) => entry.code === "profile-and-keys");
  assert.ok(finding, "a profile-and-keys finding");
  assert.is(finding!.severity, "warning");
  assert.match(finding!.message, "AWS_PROFILE=dev");
  assert.match(finding!.message, "For SST v2, AWS_PROFILE (dev) wins");
  assert.match(finding!.message, "the CDK CLI would use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  assert.match(finding!.fix!, "unset AWS_PROFILE");
  assert.match(finding!.fix!, "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN");
  assert.is(result.conflicts[0]!.byTool.cdk, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  assert.is(result.conflicts[0]!.byTool["sst-v2"], "profile dev (AWS_PROFILE)");
});

warnings("profile and keys name aws-vault as origin", () => {
  const settings = input("cdk", { env: { ...KEYS, AWS_PROFILE: "dev", AWS_VAULT: "dev" } });
  const result = explainPrecedence(settings, {}, undefined, decideProfile(settings, {}));
  const finding = result.findings.find((entry) => entry.code === "profile-and-keys");
  assert.match(finding!.message, "aws-vault exec dev exported the keys");
  assert.match(finding!.message, "For the CDK CLI, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY win");
});

warnings("AWS_PROFILE overriding the stage profile warns", () => {
  const stage: StageConfig = { profile: "prod" };
  const settings = input("sst-v3", { env: { AWS_PROFILE: "dev" } });
  const decision = decideProfile(settings, stage, "prod");
  const result = explainPrecedence(settings, stage, "prod", decision);
  const finding = result.findings.find((entry) => entry.code === "profile-override");
  assert.ok(finding);
  assert.match(finding!.message, "SST v3 uses profile dev from AWS_PROFILE, not profile prod from stage prod");
  assert.match(finding!.fix!, "unset AWS_PROFILE");
  assert.is(result.conflicts[0]!.kind, "profile-override");
});

warnings("AWS_PROFILE losing to --profile is only a note", () => {
  const settings = input("cdk", { env: { AWS_PROFILE: "dev" }, flags: { profile: "prod" } });
  const result = explainPrecedence(settings, {}, undefined, decideProfile(settings, {}));
  assert.equal(result.findings.map((entry) => entry.severity), ["info"]);
});

warnings("ignored AWS_DEFAULT_PROFILE warns for SST v2", () => {
  const settings = input("sst-v2", { env: { AWS_DEFAULT_PROFILE: "dev" } });
  const result = explainPrecedence(settings, {}, undefined, decideProfile(settings, {}));
  assert.is(result.findings[0]!.code, "variable-ignored");
  assert.is(result.findings[0]!.severity, "warning");
  assert.match(result.findings[0]!.fix!, "export AWS_PROFILE=dev");
});

warnings.run();

// ---

const regions = suite("region precedence");

regions("SST v2 without a region fails", () => {
  const settings = input("sst-v2", { files: files() });
  assert.is(decideRegion(settings, undefined).region, undefined);
  const finding = inspectRegion(settings, undefined)[0]!;
  assert.is(finding.code, "no-region");
  assert.is(finding.severity, "error");
  assert.match(finding.message, "Region is missing");
});

regions("silent us-east-1 default warns for other tools", () => {
  for (const tool of ["cdk", "sst-v1", "sst-v3"] as const) {
    const settings = input(tool, { files: files() });
    const decision = decideRegion(settings, undefined);
    assert.is(decision.region?.value, "us-east-1", tool);
    assert.is(decision.isDefault, true, tool);
    const finding = inspectRegion(settings, undefined)[0]!;
    assert.is(finding.code, "default-region", tool);
    assert.is(finding.severity, "warning", tool);
    assert.match(finding.message, "us-east-1", tool);
  }
});

regions("SST v2 ignores AWS_DEFAULT_REGION", () => {
  const settings = input("sst-v2", { files: files(), env: { AWS_DEFAULT_REGION: "eu-west-1" } });
  const finding = inspectRegion(settings, undefined)[0]!;
  assert.is(finding.code, "no-region");
  assert.match(finding.message, "AWS_DEFAULT_REGION=eu-west-1 is ignored");
});

regions("CDK reads AWS_DEFAULT_REGION", () => {
  const decision = decideRegion(input("cdk", { files: files(), env: { AWS_DEFAULT_REGION: "eu-west-1" } }), undefined);
  assert.equal(decision.region, { value: "eu-west-1", source: "AWS_DEFAULT_REGION" });
});

regions("SST v2 reads the region of AWS_PROFILE, not of --profile", () => {
  const settings = input("sst-v2", { flags: { profile: "prod" } });
  const decision = decideRegion(settings, { value: "prod", source: "--profile" });
  assert.is(decision.region, undefined);
  assert.match(decision.ignored[0]!.reason, "without the profile");
  const viaEnv = decideRegion(input("sst-v2", { env: { AWS_PROFILE: "dev" } }), { value: "dev", source: "AWS_PROFILE" });
  assert.equal(viaEnv.region, { value: "eu-west-1", source: "region of profile dev" });
});

regions("CDK takes the region of AWS_PROFILE even with keys", () => {
  const decision = decideRegion(input("cdk", { env: { ...KEYS, AWS_PROFILE: "prod" } }), undefined);
  assert.equal(decision.region, { value: "eu-central-1", source: "region of profile prod" });
});

regions("flag and app config come first", () => {
  const settings = input("sst-v2", { flags: { region: "ap-south-1" }, project: { origin: "sst.config.ts", region: "eu-west-2" }, env: { AWS_REGION: "eu-west-1" } });
  assert.equal(decideRegion(settings, undefined).region, { value: "ap-south-1", source: "--region" });
  const noFlag = input("sst-v2", { project: { origin: "sst.config.ts", region: "eu-west-2" }, env: { AWS_REGION: "eu-west-1" } });
  assert.equal(decideRegion(noFlag, undefined).region, { value: "eu-west-2", source: "sst.config.ts" });
});

regions.run();
