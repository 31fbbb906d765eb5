// The credentials check through the built CLI against moto: every credential source,
// expiry, conflicts between sources with the accounts they resolve to, and the real
// error of each link. Other checks are turned off so the recorded calls are ours.
import { parseReport } from "./harness/report-schema.js";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { startMoto, type MotoServer, type RecordedRequest } from "./harness/moto.js";
import { makeIsolatedEnv, type EnvVars } from "./harness/env.js";
import { createUser, type SeededUser } from "./harness/seed.js";
import { REPO_ROOT } from "./harness/sst-app.js";
import { writeFakeCdk } from "./fixtures/credentials/fake-cdk.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const ONLY_CREDENTIALS = { checks: { account: "off", bootstrap: "off", serviceRole: "off", permissions: "off" } };
const FAKE_SECRET = "onlineFakeSecretKeyNeverPrinted00000000";

interface State {
  moto: MotoServer;
  prod: SeededUser;
  dev: SeededUser;
}

interface RunOptions {
  files?: { config?: string; credentials?: string };
  vars?: EnvVars;
  config?: Record<string, unknown>;
  /** Files to write into the project folder, such as ".env". */
  project?: Record<string, string>;
  /** Overrides the AWS endpoint, for stubs. */
  endpoint?: string;
  /** Project marker file: cdk.json by default. */
  marker?: "cdk.json" | "sst.json";
  /** Runs `sst-preflight ARGS` as a wrapper, with a stand-in cdk, instead of `check --json`. */
  wrap?: boolean;
}

interface RunResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  requests: RecordedRequest[];
  credentials: { status: string; summary: string; details: string[]; guidance: string[]; data: Record<string, any> };
}

async function check(state: State, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const project = mkdtempSync(path.join(os.tmpdir(), "preflight-creds-"));
  const inProject = (text: string) => text.replaceAll("{project}", project);
  writeFileSync(path.join(project, options.marker ?? "cdk.json"), JSON.stringify(options.marker === "sst.json" ? { name: "app" } : { app: "node app.js" }));
  writeFileSync(path.join(project, "preflight.config.json"), JSON.stringify({ ...ONLY_CREDENTIALS, ...options.config }));
  for (const [name, text] of Object.entries(options.project ?? {})) {
    writeFileSync(path.join(project, name), inProject(text));
    if (name.endsWith(".sh")) chmodSync(path.join(project, name), 0o755);
  }
  const files = options.files
    ? { ...(options.files.config !== undefined ? { config: inProject(options.files.config) } : {}), ...(options.files.credentials !== undefined ? { credentials: inProject(options.files.credentials) } : {}) }
    : undefined;
  const vars = Object.fromEntries(Object.entries(options.vars ?? {}).map(([name, value]) => [name, value === undefined ? undefined : inProject(value)]));
  const isolated = makeIsolatedEnv({ endpoint: options.endpoint ?? state.moto.url, ...(files ? { files } : {}), vars });
  try {
    await state.moto.startRecording();
    if (options.wrap) writeFakeCdk(project);
    const result = await execa(process.execPath, [CLI, ...(options.wrap ? args : ["check", "--json", ...args])], {
      cwd: project,
      env: isolated.env,
      extendEnv: false,
      reject: false,
      stdin: "ignore",
      timeout: 60_000,
    });
    await state.moto.stopRecording();
    const requests = await state.moto.recording();
    const output = `${result.stdout}\n${result.stderr}`;
    for (const secret of [FAKE_SECRET, state.prod.secretAccessKey, state.dev.secretAccessKey]) assert.not.match(output, secret, "a secret access key was printed");
    let report: { checks?: Array<Record<string, any>> } = {};
    if (options.wrap) return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, requests, credentials: undefined as never };
    // parseReport also fails the test when stdout does not match the published schema.
    report = parseReport(result.stdout, `--json report (exit ${result.exitCode}, stderr: ${result.stderr.slice(0, 300)})`);
    const credentials = report.checks!.find((entry) => entry.id === "credentials") as RunResult["credentials"];
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, requests, credentials };
  } finally {
    isolated.cleanup();
    rmSync(project, { recursive: true, force: true });
  }
}

function keysOf(user: SeededUser): EnvVars {
  return { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
}

function profileOf(name: string, user: SeededUser): string {
  return `[${name}]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`;
}

function stsActions(requests: RecordedRequest[]): string[] {
  // AssumeRoleWithWebIdentity is unsigned, so only its action names the service.
  return requests.filter((request) => request.service === "sts" || request.action?.startsWith("AssumeRole")).map((request) => request.action ?? "?");
}

const online = suite<State>("credentials online");

online.before(async (state) => {
  state.moto = await startMoto();
  state.prod = await createUser(state.moto, "prod-deployer", undefined, { account: "111111111111" });
  state.dev = await createUser(state.moto, "dev-deployer", undefined, { account: "222222222222" });
});

online.after(async (state) => {
  await state.moto?.stop();
});

// ---

online("environment keys pass with one STS call", async (state) => {
  const result = await check(state, [], { vars: { ...keysOf(state.dev), AWS_REGION: "eu-west-1" } });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.credentials.status, "pass", result.credentials.summary);
  assert.match(result.credentials.summary, "arn:aws:iam::222222222222:user/dev-deployer");
  assert.equal(stsActions(result.requests), ["GetCallerIdentity"]);
  assert.is(result.requests.length, 1);
  assert.equal(result.credentials.data.identity, { account: "222222222222", arn: "arn:aws:iam::222222222222:user/dev-deployer" });
});

online("profile and keys warn with both accounts", async (state) => {
  const files = { credentials: profileOf("prod", state.prod), config: "[profile prod]\nregion = eu-west-1\n" };
  const vars = { ...keysOf(state.dev), AWS_PROFILE: "prod", AWS_SESSION_TOKEN: "session-token-value" };
  const sst = await check(state, ["--tool", "sst-v2"], { files, vars });
  assert.is(sst.exitCode, 0, sst.stderr);
  assert.is(sst.credentials.status, "warn");
  assert.match(sst.credentials.summary, "arn:aws:iam::111111111111:user/prod-deployer");
  const details = sst.credentials.details.join("\n");
  assert.match(details, "For SST v2, AWS_PROFILE (prod) wins");
  assert.match(details, "AWS_PROFILE resolves to account 111111111111; the environment to account 222222222222");
  assert.match(details, "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY resolves to account 222222222222");
  assert.ok(sst.credentials.guidance.some((line) => line.includes("unset AWS_PROFILE")));
  assert.equal(sst.credentials.data.conflicts[0].accounts, { winner: "111111111111", loser: "222222222222" });

  const cdk = await check(state, ["--tool", "cdk"], { files, vars });
  assert.is(cdk.credentials.status, "warn");
  assert.match(cdk.credentials.summary, "arn:aws:iam::222222222222:user/dev-deployer");
  assert.match(cdk.credentials.details.join("\n"), "For the CDK CLI, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY win");
});

online("AWS_PROFILE overriding the stage profile fails when accounts differ", async (state) => {
  const files = { credentials: profileOf("prod", state.prod) + profileOf("dev", state.dev), config: "[profile prod]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n" };
  const config = { stages: { prod: { profile: "prod" } } };
  const result = await check(state, ["--tool", "sst-v3", "--stage", "prod"], { files, config, vars: { AWS_PROFILE: "dev" } });
  assert.is(result.exitCode, 1, result.stderr);
  assert.is(result.credentials.status, "fail");
  const details = result.credentials.details.join("\n");
  assert.match(details, "SST v3 uses profile dev from AWS_PROFILE, not profile prod from stage prod");
  assert.match(details, "profile dev (AWS_PROFILE) resolves to account 222222222222, but profile prod");
  assert.match(details, "account 111111111111");

  const same = await check(state, ["--tool", "sst-v3", "--stage", "prod"], { files, config: { stages: { prod: { profile: "prod" } } }, vars: { AWS_PROFILE: "prod" } });
  assert.is(same.credentials.status, "pass", same.credentials.summary);
});

online("stage profile is used by check", async (state) => {
  const files = { credentials: profileOf("prod", state.prod), config: "[profile prod]\nregion = eu-west-1\n" };
  const result = await check(state, ["--stage", "prod"], { files, config: { stages: { prod: { profile: "prod" } } } });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.credentials.summary, "user/prod-deployer");
  assert.match(result.stderr, "profile prod (stage prod in the preflight configuration, passed as AWS_PROFILE)");
  // check runs no tool, so it does not claim to pass anything on.
  assert.not.match(result.stderr, "is passed to the wrapped tool");
});

online("stage profile reaches the wrapped tool", async (state) => {
  const files = { credentials: profileOf("prod", state.prod) + profileOf("dev", state.dev), config: "[profile prod]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n" };
  const result = await check(state, ["cdk", "deploy"], { files, wrap: true, config: { ...ONLY_CREDENTIALS, defaultStage: "prod", stages: { prod: { profile: "prod" } } } });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, "tool identity: arn:aws:iam::111111111111:user/prod-deployer");
  assert.match(result.stdout, "tool argv: deploy\n");
});

online("own --profile is passed to the tool", async (state) => {
  const files = { credentials: profileOf("prod", state.prod), config: "[profile prod]\nregion = eu-west-1\n" };
  const result = await check(state, ["--profile", "prod", "cdk", "deploy"], { files, wrap: true });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, "tool argv: deploy --profile prod\n");
  assert.match(result.stdout, "tool identity: arn:aws:iam::111111111111:user/prod-deployer");
  const inToolArgs = await check(state, ["cdk", "deploy", "--profile", "prod"], { files, wrap: true });
  assert.match(inToolArgs.stdout, "tool argv: deploy --profile prod\n");
});

online("expired session fails before any call", async (state) => {
  const expired = new Date(Date.now() - 10 * 60_000).toISOString();
  const result = await check(state, [], {
    vars: { ...keysOf(state.dev), AWS_SESSION_TOKEN: "token", AWS_CREDENTIAL_EXPIRATION: expired, AWS_VAULT: "dev", AWS_REGION: "eu-west-1" },
  });
  assert.is(result.exitCode, 1);
  assert.is(result.requests.length, 0, "no AWS call before failing");
  assert.match(result.credentials.summary, `the session expired at ${expired}`);
  assert.ok(result.credentials.guidance.some((line) => line.includes("aws-vault exec dev")));
  assert.equal(result.credentials.data.sessionTool, { name: "aws-vault", evidence: "AWS_VAULT=dev" });
});

online("session inside the margin warns", async (state) => {
  const soon = new Date(Date.now() + 5 * 60_000).toISOString();
  const result = await check(state, [], { vars: { ...keysOf(state.dev), AWS_SESSION_TOKEN: "token", AWS_SESSION_EXPIRATION: soon, GRANTED_SSO: "true", AWS_REGION: "eu-west-1" } });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.credentials.status, "warn");
  assert.match(result.credentials.summary, "less than the 15-minute margin");
  assert.ok(result.credentials.guidance.some((line) => line.includes("assume")));
  const wider = await check(state, [], { vars: { ...keysOf(state.dev), AWS_SESSION_TOKEN: "token", AWS_CREDENTIAL_EXPIRATION: soon, AWS_REGION: "eu-west-1" }, config: { credentials: { expiryMarginMinutes: 2 } } });
  assert.is(wider.credentials.status, "pass", wider.credentials.summary);
});


online("credential process printing a notice first", async (state) => {
  const json = `{"Version": 1, "AccessKeyId": "${state.dev.accessKeyId}", "SecretAccessKey": "${state.dev.secretAccessKey}"}`;
  const files = { config: "[profile proc]\ncredential_process = {project}/creds.sh --profile proc\nregion = eu-west-1\n" };
  const noisy = await check(state, ["--profile", "proc"], { files, project: { "creds.sh": `#!/bin/sh\necho "Notice: a new version is available"\necho '${json}'\n` } });
  assert.is(noisy.exitCode, 1, noisy.stderr);
  assert.match(noisy.credentials.summary, "credential_process of profile proc");
  assert.match(noisy.credentials.summary, "creds.sh --profile proc");
  assert.match(noisy.credentials.summary, 'printed 1 line before the JSON document (line 1: "Notice: a new version is available")');
  assert.match(noisy.credentials.summary, "stdout must hold only the JSON");
  assert.is(noisy.requests.length, 0);

  const clean = await check(state, ["--profile", "proc"], { files, project: { "creds.sh": `#!/bin/sh\necho "Notice" >&2\necho '${json}'\n` } });
  assert.is(clean.exitCode, 0, clean.stderr);
  assert.match(clean.credentials.summary, "user/dev-deployer");
});

online("credential process runs with a timeout", async (state) => {
  const started = Date.now();
  const result = await check(state, ["--profile", "slow"], {
    files: { config: "[profile slow]\ncredential_process = sleep 30\nregion = eu-west-1\n" },
    config: { credentials: { processTimeoutSeconds: 1 } },
  });
  assert.is(result.exitCode, 1);
  assert.match(result.credentials.summary, "did not finish within 1 s");
  assert.ok(Date.now() - started < 20_000, "the check did not wait for the process");
});

online("credential process with expired output", async (state) => {
  const json = `{"Version": 1, "AccessKeyId": "${state.dev.accessKeyId}", "SecretAccessKey": "${state.dev.secretAccessKey}", "Expiration": "2001-01-01T00:00:00Z"}`;
  const result = await check(state, ["--profile", "old"], { files: { config: "[profile old]\ncredential_process = {project}/creds.sh\nregion = eu-west-1\n" }, project: { "creds.sh": `#!/bin/sh\necho '${json}'\n` } });
  assert.is(result.exitCode, 1);
  assert.match(result.credentials.summary, "expired at 2001-01-01T00:00:00.000Z");
});

online("session without MFA from aws-vault warns", async (state) => {
  const result = await check(state, [], {
    files: { config: "[profile dev]\nregion = eu-west-1\n", credentials: profileOf("dev", state.dev) },
    vars: { ...keysOf(state.dev), AWS_SESSION_TOKEN: "session-token-value", AWS_VAULT: "dev", AWS_REGION: "eu-west-1" },
  });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.credentials.status, "warn");
  assert.match(result.credentials.summary, "GetSessionToken without MFA");
  assert.ok(result.credentials.guidance.some((line) => line.includes("mfa_serial") && line.includes("--no-session")));

  const withMfa = await check(state, [], {
    files: { config: "[profile dev]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::222222222222:mfa/dev\n", credentials: profileOf("dev", state.dev) },
    vars: { ...keysOf(state.dev), AWS_SESSION_TOKEN: "session-token-value", AWS_VAULT: "dev", AWS_REGION: "eu-west-1" },
  });
  assert.is(withMfa.credentials.status, "pass", withMfa.credentials.summary);
});

online("no region fails for SST v2 and warns for the CDK CLI", async (state) => {
  const sst = await check(state, ["--tool", "sst-v2"], { vars: keysOf(state.dev) });
  assert.is(sst.exitCode, 1);
  assert.match(sst.credentials.summary, 'SST v2 has no default region, so it fails with "Region is missing"');
  assert.is(sst.requests.length, 0);
  const cdk = await check(state, ["--tool", "cdk"], { vars: keysOf(state.dev) });
  assert.is(cdk.exitCode, 0, cdk.stderr);
  assert.is(cdk.credentials.status, "warn");
  assert.match(cdk.credentials.summary, "the CDK CLI uses us-east-1 without saying so");
  assert.equal(cdk.credentials.data.region, { value: "us-east-1", source: "default of the CDK CLI when no region is set" });
});

online("empty variables and keys in .env warn", async (state) => {
  const result = await check(state, ["--profile", "dev"], {
    files: { config: "[profile dev]\nregion = eu-west-1\n", credentials: profileOf("dev", state.dev) },
    vars: { AWS_ACCESS_KEY_ID: "", AWS_REGION: "eu-west-1" },
    project: { ".env": `STAGE=dev\nAWS_SECRET_ACCESS_KEY=${FAKE_SECRET}\nAWS_ACCESS_KEY_ID=\n` },
  });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.credentials.status, "warn");
  const findings = result.credentials.data.findings as Array<{ code: string; file?: string; line?: number; message: string }>;
  assert.ok(findings.some((finding) => finding.code === "empty-variable" && finding.message.startsWith("AWS_ACCESS_KEY_ID is set but empty")));
  const dotenv = findings.filter((finding) => finding.code === "credentials-in-project-env");
  assert.equal(dotenv.map((finding) => finding.line), [2, 3]);
  assert.match(dotenv[0]!.file!, /\.env$/);
  assert.match(dotenv[0]!.message, "AWS_SECRET_ACCESS_KEY in .env does not select the deploy's credentials");
});

online("file session keys answered with ExpiredToken", async (state) => {
  const stub = await startExpiredTokenStub();
  try {
    const result = await check(state, ["--profile", "leapp"], {
      endpoint: stub.url,
      files: { config: "[profile leapp]\nregion = eu-west-1\n", credentials: `[leapp]\naws_access_key_id = ASIASTALE00000000001\naws_secret_access_key = ${FAKE_SECRET}\naws_session_token = stale-token\nregion = eu-west-1\n` },
    });
    assert.is(result.exitCode, 1, result.stderr);
    assert.match(result.credentials.summary, "STS returned ExpiredToken for the session keys of profile leapp");
    assert.ok(result.credentials.guidance.some((line) => line.includes("credentials:2") && line.includes("Leapp")), result.credentials.guidance.join("\n"));
    assert.ok(stub.calls() >= 1);
  } finally {
    await stub.close();
  }
});

online("empty caller identity is never a pass", async (state) => {
  const stub = await startStsStub(200, '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
  try {
    const result = await check(state, [], { endpoint: stub.url, vars: { ...keysOf(state.dev), AWS_REGION: "eu-west-1" } });
    assert.is(result.exitCode, 0, result.stderr);
    assert.is(result.credentials.status, "unknown");
    assert.match(result.credentials.summary, "sts:GetCallerIdentity returned no valid identity (Account null, Arn null)");
  } finally {
    await stub.close();
  }
});

online("unknown profile lists the profiles that exist", async (state) => {
  const result = await check(state, ["--profile", "staging"], {
    files: { config: "[profile stage]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n", credentials: profileOf("stage", state.dev) + profileOf("prod", state.prod) },
  });
  assert.is(result.exitCode, 1);
  assert.match(result.credentials.summary, 'profile "staging" (from --profile) does not exist');
  assert.match(result.credentials.summary, "prod, stage");
  assert.ok(result.credentials.guidance.some((line) => line.includes('Did you mean "stage"?')));
  assert.is(result.requests.length, 0);
});

online("web identity token against STS", async (state) => {
  const result = await check(state, [], {
    project: { token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZXBvOmV4YW1wbGUifQ." },
    vars: { AWS_WEB_IDENTITY_TOKEN_FILE: "{project}/token", AWS_ROLE_ARN: "arn:aws:iam::111111111111:role/github-deploy", AWS_REGION: "eu-west-1" },
  });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.credentials.summary, "assumed-role/github-deploy");
  assert.equal(stsActions(result.requests), ["AssumeRoleWithWebIdentity", "GetCallerIdentity"]);
});

online("container credentials from a loopback server", async (state) => {
  const server = await startCredentialsServer(state.dev, "auth-token-value");
  try {
    const result = await check(state, [], { vars: { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: "auth-token-value", AWS_VAULT: "dev", AWS_REGION: "eu-west-1" } });
    assert.is(result.exitCode, 0, result.stderr);
    assert.match(result.credentials.summary, "user/dev-deployer");
    assert.match(result.credentials.data.chain.text, "aws-vault --ecs-server");
    assert.not.match(result.stdout + result.stderr, "auth-token-value");
    const wrongToken = await check(state, [], { vars: { AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong", AWS_REGION: "eu-west-1" } });
    assert.is(wrongToken.exitCode, 1);
    assert.match(wrongToken.credentials.summary, "the container credentials of");
    assert.equal(wrongToken.credentials.data.attempts.map((attempt: { kind: string }) => attempt.kind), ["container"]);
  } finally {
    await server.close();
  }
});

online("failing link shows its own error", async (state) => {
  const result = await check(state, ["--profile", "broken"], { files: { config: "[profile broken]\ncredential_process = sh -c 'echo token expired >&2; exit 3'\nregion = eu-west-1\n" } });
  assert.is(result.exitCode, 1);
  assert.match(result.credentials.summary, 'exited with code 3; its first error line: "token expired"');
  assert.not.match(result.stderr, "Could not load credentials from any providers");
});

online("offline explains the chain without a call", async (state) => {
  const files = {
    config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/RoleA\nsource_profile = b\nregion = eu-west-1\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/RoleB\nsource_profile = base\n",
    credentials: profileOf("base", state.dev),
  };
  const result = await check(state, ["--offline", "--profile", "a"], { files });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.requests.length, 0);
  assert.is(result.credentials.status, "pass");
  assert.match(result.credentials.summary, "offline: profile a (from --profile): static keys of profile base → assume role arn:aws:iam::111111111111:role/RoleB → assume role arn:aws:iam::111111111111:role/RoleA");
  const data = result.credentials.data;
  assert.is(data.mode, "offline");
  assert.equal(data.chain.steps.map((step: { kind: string; profile: string }) => `${step.kind}:${step.profile}`), ["static-keys:base", "assume-role:b", "assume-role:a"]);
  assert.is(data.chain.steps[0].line, 2);
  assert.is(data.chain.links[1].state, "selected");
  assert.is(data.identity, null);

  const broken = await check(state, ["--offline", "--profile", "a"], { files: { config: files.config.replace("source_profile = base", "source_profile = nosuch") } });
  assert.is(broken.exitCode, 1);
  assert.match(broken.credentials.summary, "profile b names source_profile = nosuch");
  assert.is(broken.requests.length, 0);
});

online("config file cases fail with file and line", async (state) => {
  const c2 = await check(state, [], { files: { config: "[default]\nregion = eu-west-1\n[dev]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = default\n" }, vars: { AWS_PROFILE: "dev" } });
  assert.is(c2.exitCode, 1);
  assert.ok(c2.credentials.guidance.some((line) => /config:3: Rename the header to \[profile dev\]/.test(line)), c2.credentials.guidance.join("\n"));

  const c3 = await check(state, ["--profile", "ci"], { files: { credentials: `[profile ci]\naws_access_key_id = ${state.dev.accessKeyId}\naws_secret_access_key = ${state.dev.secretAccessKey}\n` }, vars: { AWS_REGION: "eu-west-1" } });
  assert.is(c3.exitCode, 1);
  assert.ok(c3.credentials.guidance.some((line) => /credentials:1: Rename the header to \[ci\]/.test(line)), c3.credentials.guidance.join("\n"));

  const c9 = await check(state, [], { files: { config: "[default]\nregion = eu-west-1\n[profile default]\noutput = json\n" }, vars: { ...keysOf(state.dev), AWS_REGION: "eu-west-1" } });
  assert.is(c9.exitCode, 0, c9.stderr);
  assert.is(c9.credentials.status, "warn");
  assert.match(c9.credentials.summary, "[profile default] at line 3 replaces [default] at line 1 entirely, so region of [default] is lost");

  const c11 = await check(state, ["--profile", "both"], {
    files: { config: "[profile both]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = base\ncredential_source = Environment\nregion = eu-west-1\n", credentials: profileOf("base", state.dev) },
  });
  assert.is(c11.exitCode, 1);
  assert.match(c11.credentials.summary, "profile both sets both source_profile (base) and credential_source (Environment); exactly one of them is allowed");
  assert.is(c11.requests.length, 0);
});

online("SSO login missing names the command", async (state) => {
  const result = await check(state, ["--profile", "dev"], {
    files: { config: "[profile dev]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Deployer\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n" },
  });
  assert.is(result.exitCode, 1);
  assert.match(result.credentials.summary, "profile dev has no SSO login token");
  assert.ok(result.credentials.guidance.some((line) => line.includes("aws sso login --profile dev") && line.includes("--sso-session corp")));
  assert.is(result.requests.length, 0);
});

online.run();

// ---

interface Stub {
  url: string;
  calls(): number;
  close(): Promise<void>;
}

/** Starts an STS endpoint that rejects every call with ExpiredToken in the query protocol's XML. */
function startExpiredTokenStub(): Promise<Stub> {
  return startStsStub(
    400,
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>',
  );
}

/** Starts an STS endpoint that responds to every call with the same status and XML body. */
async function startStsStub(status: number, body: string): Promise<Stub> {
  let calls = 0;
  return listen(
    createServer((request, response) => {
      calls++;
      request.resume();
      response.writeHead(status, { "content-type": "text/xml" });
      response.end(body);
    }),
    () => calls,
  );
}

/** Starts a container credentials endpoint like aws-vault --ecs-server, which checks the Authorization header. */
async function startCredentialsServer(user: SeededUser, token: string): Promise<Stub> {
  let calls = 0;
  return listen(
    createServer((request, response) => {
      calls++;
      if (request.headers.authorization !== token) {
        response.writeHead(403, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "invalid Authorization token" }));
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ AccessKeyId: user.accessKeyId, SecretAccessKey: user.secretAccessKey, Token: "container-session", Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
    }),
    () => calls,
  );
}

function listen(server: Server, calls: () => number): Promise<Stub> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, calls, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
