// The offline chain explanation: which link each tool selects, the ordered steps of a
// profile chain with file and line, and the configuration errors that stop it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadSharedFiles } from "../plugin/aws/profiles.js";
import type { StageConfig, ToolName } from "../plugin/config/schema.js";
import { decideProfile } from "../plugin/tools/profile-precedence.js";
import { planChain } from "../hooks/credentials/chain/plan.js";
import type { CredentialSetup } from "../hooks/credentials/chain/setup.js";
import type { ChainPlan } from "../hooks/credentials/chain/types.js";
import { scanSharedFiles } from "../hooks/credentials/lint/index.js";

const SECRET = "chainFakeSecretKeyNeverPrinted000000000";
const BASE = `[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = ${SECRET}\n`;

interface PlanOptions {
  config?: string;
  credentials?: string;
  env?: NodeJS.ProcessEnv;
  tool?: ToolName;
  profile?: string;
  stage?: StageConfig;
  /** Writes SSO token cache files: cache id to the file's contents. */
  ssoCache?: Record<string, unknown>;
}

interface Planned {
  plan: ChainPlan;
  home: string;
  configPath: string;
  credentialsPath: string;
}

async function plan(options: PlanOptions): Promise<Planned> {
  const home = mkdtempSync(path.join(os.tmpdir(), "preflight-chain-"));
  homes.push(home);
  mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true });
  const configPath = path.join(home, ".aws", "config");
  const credentialsPath = path.join(home, ".aws", "credentials");
  if (options.config !== undefined) writeFileSync(configPath, options.config);
  if (options.credentials !== undefined) writeFileSync(credentialsPath, options.credentials, { mode: 0o600 });
  for (const [id, contents] of Object.entries(options.ssoCache ?? {})) {
    const name = createHash("sha1").update(id).digest("hex");
    writeFileSync(path.join(home, ".aws", "sso", "cache", `${name}.json`), JSON.stringify(contents));
  }
  const env = { HOME: home, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath, AWS_EC2_METADATA_DISABLED: "true", ...options.env };
  const files = await loadSharedFiles(env);
  const scanned = await scanSharedFiles(env, files);
  const setup: CredentialSetup = { files, scans: scanned.scans, env, now: Date.now() };
  const tool = options.tool ?? "sst-v2";
  const decision = decideProfile({ tool, cwd: home, env, flags: options.profile ? { profile: options.profile } : {}, project: { origin: "test" }, files }, options.stage ?? {}, "prod");
  return { plan: planChain(setup, { tool, decision }), home, configPath, credentialsPath };
}

const homes: string[] = [];
process.on("exit", () => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function codes(planned: Planned): string[] {
  return planned.plan.problems.map((problem) => problem.code);
}

// ---

const chains = suite("profile chains");

chains("role chain lists steps first to last", async () => {
  const planned = await plan({
    config: [
      "[profile a]",
      "role_arn = arn:aws:iam::111111111111:role/RoleA",
      "source_profile = b",
      "external_id = secret-external",
      "role_session_name = deployer",
      "duration_seconds = 1800",
      "[profile b]",
      "role_arn = arn:aws:iam::222222222222:role/RoleB",
      "source_profile = base",
      "",
    ].join("\n"),
    credentials: BASE,
    profile: "a",
  });
  const steps = planned.plan.steps;
  assert.equal(steps.map((step) => step.kind), ["static-keys", "assume-role", "assume-role"]);
  assert.equal(steps.map((step) => step.profile), ["base", "b", "a"]);
  assert.is(steps[0]!.file, planned.credentialsPath);
  assert.is(steps[0]!.line, 2);
  assert.is(steps[0]!.accessKeyId, "AKIA************0001");
  assert.is(steps[1]!.roleArn, "arn:aws:iam::222222222222:role/RoleB");
  assert.is(steps[1]!.line, 8);
  assert.is(steps[2]!.externalId, true);
  assert.is(steps[2]!.roleSessionName, "deployer");
  assert.is(steps[2]!.durationSeconds, 1800);
  assert.equal(planned.plan.profiles, ["a", "b", "base"]);
  assert.equal(planned.plan.problems, []);
  assert.not.match(JSON.stringify(planned.plan), SECRET);
  assert.not.match(JSON.stringify(planned.plan), "secret-external");
});

chains("source profile with keys ends the chain", async () => {
  // The SDK uses the static keys of a source profile even when it has a role_arn.
  const planned = await plan({
    config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = a\n",
    credentials: `[a]\naws_access_key_id = AKIAAAAA000000000001\naws_secret_access_key = ${SECRET}\n`,
    profile: "a",
  });
  assert.equal(planned.plan.steps.map((step) => step.kind), ["static-keys", "assume-role"]);
  assert.equal(planned.plan.problems, []);
});

chains("missing source profile", async () => {
  const planned = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = nosuch\n", profile: "a" });
  const problem = planned.plan.problems[0]!;
  assert.is(problem.code, "missing-source-profile");
  assert.is(problem.line, 3);
  assert.match(problem.message, "source_profile = nosuch");
});

chains("cycle without keys", async () => {
  const planned = await plan({
    config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = a\n",
    profile: "a",
  });
  assert.equal(codes(planned), ["source-profile-cycle"]);
  assert.match(planned.plan.problems[0]!.message, "b → a → b");
});

chains("source profile and credential source both set", async () => {
  const planned = await plan({
    config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\ncredential_source = Environment\n",
    credentials: BASE,
    profile: "a",
  });
  const problem = planned.plan.problems.find((entry) => entry.code === "source-profile-and-credential-source")!;
  assert.is(problem.severity, "error");
  assert.is(problem.profile, "a");
  assert.match(problem.message, "exactly one of them is allowed");
});

chains("role_arn without a source", async () => {
  const planned = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\n", profile: "a" });
  assert.equal(codes(planned), ["role-arn-without-source"]);
  assert.is(planned.plan.problems[0]!.line, 2);
});

chains("partial static keys", async () => {
  const planned = await plan({ credentials: "[a]\naws_access_key_id = AKIAAAAA000000000001\n", profile: "a" });
  assert.equal(codes(planned), ["partial-static-keys"]);
  assert.match(planned.plan.problems[0]!.fix!, "aws_secret_access_key");
});

chains("credential source values", async () => {
  const bad = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\ncredential_source = environment\n", profile: "a" });
  assert.equal(codes(bad), ["invalid-credential-source"]);
  const emptyEnv = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\ncredential_source = Environment\n", profile: "a" });
  assert.equal(codes(emptyEnv), ["credential-source-environment-empty"]);
  const container = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\ncredential_source = EcsContainer\n", profile: "a", env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds" } });
  assert.equal(codes(container), []);
  assert.equal(container.plan.steps.map((step) => step.kind), ["credential-source", "assume-role"]);
  const metadata = await plan({ config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\ncredential_source = Ec2InstanceMetadata\n", profile: "a" });
  assert.equal(codes(metadata), ["credential-source-metadata-disabled"]);
});

chains("mfa devices in chain order", async () => {
  const planned = await plan({
    config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\nmfa_serial = arn:aws:iam::111111111111:mfa/outer\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = base\nmfa_serial = arn:aws:iam::111111111111:mfa/inner\n",
    credentials: BASE,
    profile: "a",
  });
  assert.equal(planned.plan.mfa.map((entry) => entry.serial), ["arn:aws:iam::111111111111:mfa/inner", "arn:aws:iam::111111111111:mfa/outer"]);
  assert.match(planned.plan.steps[2]!.description, "with MFA arn:aws:iam::111111111111:mfa/outer");
});

chains("credential process and web identity profiles", async () => {
  const process = await plan({ config: "[profile p]\ncredential_process = leapp session generate 42\n", profile: "p" });
  assert.is(process.plan.steps[0]!.kind, "credential-process");
  assert.is(process.plan.steps[0]!.command, "leapp session generate 42");
  assert.match(process.plan.steps[0]!.description, "Leapp");
  const web = await plan({ config: "[profile w]\nrole_arn = arn:aws:iam::111111111111:role/W\nweb_identity_token_file = /nonexistent/token\n", profile: "w" });
  assert.equal(codes(web), ["web-identity-token-missing"]);
});

chains("unknown profile lists profiles and the nearest", async () => {
  const planned = await plan({ config: "[profile stage]\nregion = eu-west-1\n", credentials: BASE, profile: "staging" });
  const problem = planned.plan.problems[0]!;
  assert.is(problem.code, "unknown-profile");
  assert.match(problem.message, 'profile "staging" (from --profile) does not exist');
  assert.match(problem.message, `profiles in ${planned.configPath}: stage`);
  assert.match(problem.message, `profiles in ${planned.credentialsPath}: base`);
  assert.match(problem.fix!, 'Did you mean "stage"?');
});

chains.run();

// ---

const sso = suite("sso token cache");

const SSO_CONFIG = [
  "[profile dev]",
  "sso_session = corp",
  "sso_account_id = 222222222222",
  "sso_role_name = Deployer",
  "region = eu-west-1",
  "[sso-session corp]",
  "sso_start_url = https://corp.awsapps.com/start",
  "sso_region = eu-west-1",
  "[profile legacy]",
  "sso_start_url = https://corp.awsapps.com/start#",
  "sso_region = eu-west-1",
  "sso_account_id = 222222222222",
  "sso_role_name = Deployer",
  "",
].join("\n");
const hour = 3_600_000;

sso("missing token names the login command", async () => {
  const planned = await plan({ config: SSO_CONFIG, profile: "dev" });
  const problem = planned.plan.problems[0]!;
  assert.is(problem.code, "sso-token-missing");
  assert.match(problem.fix!, "aws sso login --profile dev");
  assert.match(problem.fix!, "--sso-session corp");
  assert.is(planned.plan.steps[0]!.ssoToken?.state, "missing");
});

sso("expired token without refresh fails", async () => {
  const planned = await plan({ config: SSO_CONFIG, profile: "dev", ssoCache: { corp: { accessToken: "t", expiresAt: new Date(Date.now() - hour).toISOString() } } });
  assert.equal(codes(planned), ["sso-token-expired"]);
  assert.not.match(JSON.stringify(planned.plan), '"t"');
});

sso("expired token with refresh passes", async () => {
  const planned = await plan({
    config: SSO_CONFIG,
    profile: "dev",
    ssoCache: {
      corp: { accessToken: "t", expiresAt: new Date(Date.now() - hour).toISOString(), refreshToken: "r", clientId: "c", clientSecret: "s", registrationExpiresAt: new Date(Date.now() + 24 * hour).toISOString() },
    },
  });
  assert.equal(codes(planned), []);
  assert.is(planned.plan.steps[0]!.ssoToken?.refreshable, true);
});

sso("legacy profile hashes the exact start url", async () => {
  const wrongUrl = await plan({ config: SSO_CONFIG, profile: "legacy", ssoCache: { "https://corp.awsapps.com/start": { accessToken: "t", expiresAt: new Date(Date.now() + hour).toISOString() } } });
  assert.equal(codes(wrongUrl), ["sso-token-missing"]);
  const rightUrl = await plan({ config: SSO_CONFIG, profile: "legacy", ssoCache: { "https://corp.awsapps.com/start#": { accessToken: "t", expiresAt: new Date(Date.now() + hour).toISOString() } } });
  assert.equal(codes(rightUrl), []);
  assert.is(rightUrl.plan.steps[0]!.ssoToken?.state, "valid");
});

sso("missing sso-session section", async () => {
  const planned = await plan({ config: "[profile dev]\nsso_session = nosuch\nsso_account_id = 1\nsso_role_name = r\n", profile: "dev" });
  assert.equal(codes(planned), ["missing-sso-session"]);
  assert.is(planned.plan.problems[0]!.line, 2);
});

sso("incomplete sso profile", async () => {
  const planned = await plan({ config: "[profile dev]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n", profile: "dev" });
  assert.ok(codes(planned).includes("incomplete-sso-profile"));
  assert.match(planned.plan.problems[0]!.message, "sso_account_id, sso_role_name");
});

sso.run();

// ---

const links = suite("links per tool");

links("environment keys selected", async () => {
  const planned = await plan({ env: { AWS_ACCESS_KEY_ID: "AKIAENV0000000000001", AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: "tok" } });
  assert.is(planned.plan.links[0]!.state, "selected");
  assert.is(planned.plan.steps[0]!.kind, "environment-keys");
  assert.is(planned.plan.steps[0]!.sessionToken, true);
  assert.not.match(JSON.stringify(planned.plan), SECRET);
});

links("keys skipped when AWS_PROFILE is set for SST v2", async () => {
  const planned = await plan({ credentials: BASE, env: { AWS_PROFILE: "base", AWS_ACCESS_KEY_ID: "AKIAENV0000000000001", AWS_SECRET_ACCESS_KEY: SECRET } });
  assert.is(planned.plan.links[0]!.state, "skipped");
  assert.match(planned.plan.links[0]!.reason, "skips environment keys");
  assert.is(planned.plan.links[1]!.state, "selected");
});

links("--profile leaves other links unused for the CDK CLI", async () => {
  const planned = await plan({ credentials: BASE, tool: "cdk", profile: "base", env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/token", AWS_ROLE_ARN: "arn:aws:iam::1:role/x" } });
  assert.equal(planned.plan.links.map((link) => link.state), ["not-set", "selected", "unused", "unused", "unused"]);
});

links("web identity from the environment", async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "preflight-token-"));
  homes.push(home);
  const token = path.join(home, "token");
  writeFileSync(token, "header.payload.signature");
  const planned = await plan({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/ci" } });
  assert.is(planned.plan.links.find((link) => link.state === "selected")?.kind, "web-identity");
  assert.is(planned.plan.steps[0]!.roleArn, "arn:aws:iam::111111111111:role/ci");
  const noRole = await plan({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: token } });
  assert.equal(codes(noRole), ["web-identity-without-role"]);
});

links("container endpoint rules", async () => {
  const ok = await plan({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9911/", AWS_VAULT: "dev" } });
  assert.is(ok.plan.steps[0]!.kind, "container");
  assert.match(ok.plan.steps[0]!.description, "aws-vault --ecs-server");
  assert.is(ok.plan.links[4]!.state, "unused");
  const remote = await plan({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://10.0.0.5/creds" } });
  assert.equal(codes(remote), ["container-uri-not-allowed"]);
});

links("instance metadata is the last resort", async () => {
  const planned = await plan({ env: { AWS_EC2_METADATA_DISABLED: "" } });
  const selected = planned.plan.links.find((link) => link.state === "selected");
  assert.is(selected?.kind, "instance-metadata");
  assert.match(selected!.reason, "only on EC2");
});

links("no credentials at all", async () => {
  const planned = await plan({});
  assert.equal(codes(planned), ["no-credentials"]);
  assert.match(planned.plan.problems[0]!.message, "AWS_EC2_METADATA_DISABLED is set");
});

links("GitHub Actions without id-token permission", async () => {
  const planned = await plan({ env: { GITHUB_ACTIONS: "true" } });
  const problem = planned.plan.problems[0]!;
  assert.match(problem.message, "ACTIONS_ID_TOKEN_REQUEST_URL is not set");
  assert.match(problem.fix!, "id-token: write");
  const withToken = await plan({ env: { GITHUB_ACTIONS: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "x" } });
  assert.match(withToken.plan.problems[0]!.fix!, "configure-aws-credentials");
});

links("SST v3 tries web identity before the default profile", async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "preflight-token-"));
  homes.push(home);
  const token = path.join(home, "token");
  writeFileSync(token, "jwt");
  const planned = await plan({ tool: "sst-v3", credentials: BASE.replace("[base]", "[default]"), env: { AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/ci" } });
  assert.equal(planned.plan.links.map((link) => link.kind), ["environment", "web-identity", "profile", "container", "instance-metadata"]);
  assert.is(planned.plan.links[1]!.state, "selected");
});

links.run();
