// The CLI's check command on a small CDK project against moto: exit codes, the
// human report, the --json document, and configuration errors.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type EnvVars } from "./harness/env.js";
import { REPO_ROOT } from "./harness/sst-app.js";
import { parseReport } from "./harness/report-schema.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const SECRET = "cliFakeSecretKeyNeverPrinted000000000000";
const KEY_ID = "AKIACLIFAKEKEY000042";
const PROD_ONLY = { stages: { prod: { accounts: ["111111111111"], regions: ["eu-west-1"] } } };

interface State {
  moto: MotoServer;
}

const cli = suite<State>("check command");

cli.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
});

cli.after(async (state) => {
  await state.moto?.stop();
});

interface RunOptions {
  config?: unknown;
  /** Endpoint instead of moto, such as a loopback port where nothing listens. */
  endpoint?: string;
  files?: { config?: string; credentials?: string };
  vars?: EnvVars;
}

async function check(state: State, args: string[], options: RunOptions = {}) {
  const project = mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
  writeFileSync(path.join(project, "cdk.json"), JSON.stringify({ app: "node app.js" }));
  if (options.config !== undefined) {
    writeFileSync(path.join(project, "preflight.config.json"), typeof options.config === "string" ? options.config : JSON.stringify(options.config));
  }
  const isolated = makeIsolatedEnv({
    endpoint: options.endpoint ?? state.moto.url,
    ...(options.files ? { files: options.files } : {}),
    vars: { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: "eu-west-1", ...options.vars },
  });
  try {
    await state.moto.startRecording();
    const result = await execa(process.execPath, [CLI, "check", ...args], {
      cwd: project,
      env: isolated.env,
      extendEnv: false,
      reject: false,
      stdin: "ignore",
      timeout: 60_000,
    });
    await state.moto.stopRecording();
    const requests = await state.moto.recording();
    assert.not.match(`${result.stdout}${result.stderr}`, SECRET, "the secret access key must never be printed");
    return { ...result, requests };
  } finally {
    isolated.cleanup();
    rmSync(project, { recursive: true, force: true });
  }
}

cli("wrong account for the stage fails", async (state) => {
  const result = await check(state, ["--stage", "prod"], { config: PROD_ONLY });
  assert.is(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, 'account 222222222222 is not allowed for stage "prod"; expected 111111111111');
  assert.match(result.stderr, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
  assert.match(result.stderr, "AKIA************0042");
});

cli("json report carries identity and results", async (state) => {
  const result = await check(state, ["--stage", "prod", "--json"], { config: PROD_ONLY });
  assert.is(result.exitCode, 1);
  const report = parseReport(result.stdout);
  assert.is(report.version, 1);
  assert.is(report.status, "fail");
  assert.is(report.blocked, true);
  assert.equal(report.stage, { value: "prod", source: "--stage" });
  assert.is(report.identity.account, "222222222222");
  assert.is(report.credentials.accessKeyId, "AKIA************0042");
  const account = report.checks.find((entry: { id: string }) => entry.id === "account");
  assert.is(account.status, "fail");
  assert.equal(account.data.allowed, ["111111111111"]);
});

cli("allowed account passes with exit code 0", async (state) => {
  // Only the checks under test; the emulator has no bootstrap and no policy simulator.
  const config = { stages: { dev: { accounts: ["222222222222"] } }, checks: { bootstrap: "off", permissions: "off", serviceRole: "off" } };
  const result = await check(state, ["--stage", "dev"], { config });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, "✔ account");
  assert.match(result.stderr, "2 passed");
  assert.match(result.stderr, "3 skipped");
});

cli("unknown profile fails with the nearest name", async (state) => {
  const result = await check(state, ["--profile", "staging"], {
    files: {
      config: "[profile stage]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n",
      credentials: "[stage]\naws_access_key_id = AKIASTAGEFAKE0000001\naws_secret_access_key = x\n[prod]\naws_access_key_id = AKIAPRODFAKE00000001\naws_secret_access_key = y\n",
    },
    vars: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
  });
  assert.is(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, 'profile "staging" (from --profile) does not exist');
  assert.match(result.stderr, 'Did you mean "stage"?');
  assert.match(result.stderr, "prod");
  assert.is(result.requests.length, 0, "an unknown profile needs no AWS call");
});

cli("MFA profile without a terminal fails at once", async (state) => {
  const result = await check(state, ["--profile", "admin"], {
    files: {
      config: [
        "[profile base]",
        "region = eu-west-1",
        "[profile admin]",
        "role_arn = arn:aws:iam::222222222222:role/admin",
        "source_profile = base",
        "mfa_serial = arn:aws:iam::222222222222:mfa/alice",
        "",
      ].join("\n"),
      credentials: "[base]\naws_access_key_id = AKIABASEFAKE00000001\naws_secret_access_key = z\n",
    },
    vars: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, CI: "true" },
  });
  assert.is(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, "arn:aws:iam::222222222222:mfa/alice");
  assert.match(result.stderr, "CI is set");
  assert.not.match(result.stderr, "Enter MFA code");
  assert.is(result.requests.length, 0, "no STS call may be made before failing");
});

cli("invalid configuration exits 2 naming the field", async (state) => {
  const result = await check(state, ["--stage", "prod"], { config: { stages: { prod: { accounts: ["1111"] } } } });
  assert.is(result.exitCode, 2, result.stderr);
  assert.match(result.stderr, "preflight.config.json");
  assert.match(result.stderr, "stages.prod.accounts[0]");
  assert.match(result.stderr, '"1111"');
  assert.match(result.stderr, "12-digit");
});

cli("invalid configuration still prints json", async (state) => {
  const result = await check(state, ["--stage", "prod", "--json"], { config: { stages: { prod: { accounts: ["1111"] } } } });
  assert.is(result.exitCode, 2, result.stderr);
  const report = parseReport(result.stdout);
  assert.is(report.status, "error");
  assert.is(report.blocked, true);
  assert.is(report.error.code, "InvalidConfig");
  assert.match(report.error.message, "stages.prod.accounts[0]");
});

cli("malformed configuration file exits 2", async (state) => {
  const result = await check(state, [], { config: "{ stages: " });
  assert.is(result.exitCode, 2, result.stderr);
  assert.match(result.stderr, "is not valid JSON");
});

cli("configuration that never loads exits 2", async (state) => {
  const project = mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
  const isolated = makeIsolatedEnv({ endpoint: state.moto.url });
  try {
    writeFileSync(path.join(project, "cdk.json"), "{}");
    writeFileSync(path.join(project, "preflight.config.mjs"), "await new Promise(() => {});\nexport default {};\n");
    const result = await execa(process.execPath, [CLI, "check"], { cwd: project, env: isolated.env, extendEnv: false, reject: false, stdin: "ignore", timeout: 60_000 });
    assert.is(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, "preflight.config.mjs");
    assert.match(result.stderr, "did not finish within 15 s");
  } finally {
    isolated.cleanup();
    rmSync(project, { recursive: true, force: true });
  }
});

cli("unknown configuration field is named", async (state) => {
  const result = await check(state, [], { config: { stage: { prod: {} } } });
  assert.is(result.exitCode, 2, result.stderr);
  assert.match(result.stderr, 'unknown field "stage"');
});

/** Returns a loopback URL on which nothing listens. */
async function closedEndpoint(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

cli("unverified identity fails a bound stage", async (state) => {
  const result = await check(state, ["--stage", "prod"], { config: { ...PROD_ONLY, awsCallTimeoutSeconds: 2 }, endpoint: await closedEndpoint() });
  assert.is(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, "? credentials");
  assert.match(result.stderr, 'stage "prod" is bound to accounts or regions, but the identity could not be verified');
});

cli("unverified identity fails a protected stage", async (state) => {
  const config = { stages: { prod: { protected: true } }, awsCallTimeoutSeconds: 2 };
  const result = await check(state, ["--stage", "prod"], { config, endpoint: await closedEndpoint() });
  assert.is(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, "is protected, but the identity could not be verified");
});

cli("unverified identity skips an unbound stage", async (state) => {
  const config = { checks: { bootstrap: "off", permissions: "off", serviceRole: "off" }, awsCallTimeoutSeconds: 2 };
  const result = await check(state, ["--stage", "dev"], { config, endpoint: await closedEndpoint() });
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, "○ account");
});

cli.run();

// ---

const usage = suite("usage");

usage("unknown option exits 2", async () => {
  const result = await execa(process.execPath, [CLI, "check", "--nope"], { reject: false });
  assert.is(result.exitCode, 2);
  assert.match(result.stderr, "Unknown option --nope");
});

usage("help exits 0", async () => {
  const result = await execa(process.execPath, [CLI, "--help"], { reject: false });
  assert.is(result.exitCode, 0);
  assert.match(result.stdout, "sst-preflight check");
});

usage("option without value exits 2", async () => {
  const result = await execa(process.execPath, [CLI, "check", "--stage"], { reject: false });
  assert.is(result.exitCode, 2);
  assert.match(result.stderr, "--stage needs a value");
});

usage.run();
