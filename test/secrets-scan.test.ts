// Every scenario we can run with known fake secret keys and session tokens: check,
// --json, --verbose, GitHub Actions, failures, broken files and credential processes,
// and the wrappers. stdout, stderr, the step summary, every file written and the
// wrapped tool's arguments are scanned for any 12-character piece of a secret.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { makeCdkProject, runCli, type CliRun } from "./harness/cli-project.js";
import { seedDeployTarget, TARGET } from "./harness/deploy-target.js";
import { makeIsolatedEnv, type EnvVars } from "./harness/env.js";
import { startIamStub, type IamStub } from "./harness/iam-stub.js";
import { startMoto, type MotoServer } from "./harness/moto.js";

const SECRET_KEY = "SeCrEtScanQz7Vw9Xy3Kk8Jj2Hh5Gg4Ff6Dd1Ss0";
const SESSION_TOKEN = "ToKeNScanQz7Vw9Xy3Kk8Jj2Hh5Gg4Ff6Dd1Ss0Pp9Oo8Ii7Uu6Yy5Tt4Rr3Ee2Ww1";
const FILE_SECRET = "FiLeScanQz7Vw9Xy3Kk8Jj2Hh5Gg4Ff6Dd1Ss0Aa";
const PROCESS_SECRET = "PrOcScanQz7Vw9Xy3Kk8Jj2Hh5Gg4Ff6Dd1Ss0Bb";
const SECRETS = [SECRET_KEY, SESSION_TOKEN, FILE_SECRET, PROCESS_SECRET];
// A leak of part of a secret is still a leak: any window of this many characters counts.
const WINDOW = 12;

/** Returns the first piece of a secret found in `text`, or undefined. */
function findSecret(text: string): string | undefined {
  for (const secret of SECRETS) {
    for (let start = 0; start + WINDOW <= secret.length; start++) {
      const piece = secret.slice(start, start + WINDOW);
      if (text.includes(piece)) return piece;
    }
  }
  return undefined;
}

/** Lists files under `dir` with their modification times, skipping node_modules. */
function snapshot(dir: string, into = new Map<string, number>()): Map<string, number> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") snapshot(file, into);
    } else if (entry.isFile()) {
      into.set(file, statSync(file).mtimeMs);
    }
  }
  return into;
}

interface Scenario {
  name: string;
  args: string[];
  vars?: EnvVars;
  files?: { config?: string; credentials?: string };
  config?: unknown;
  /** Files of the project, such as a fake tool in node_modules/.bin. */
  projectFiles?: Record<string, string>;
  bin?: Record<string, string>;
  /** Turns on moto's SigV4 and IAM checks for this run. */
  auth?: boolean;
}

interface State {
  moto: MotoServer;
  stub: IamStub;
}

const secrets = suite<State>("secrets never leak");

secrets.before(async (state) => {
  state.moto = await startMoto();
  state.stub = await startIamStub({ upstreamUrl: state.moto.url, simulation: { defaultDecision: "allowed" } });
  await seedDeployTarget(state.moto);
});

secrets.after(async (state) => {
  await state.stub?.stop();
  await state.moto?.stop();
});

const ENV_KEYS = { AWS_ACCESS_KEY_ID: "AKIASECRETSCAN000001", AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN };
const NO_ENV_KEYS = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined };
const FILE_KEYS = `[dev]\naws_access_key_id = AKIASECRETFILE000001\naws_secret_access_key = ${FILE_SECRET}\naws_session_token = ${SESSION_TOKEN}\n`;
// A fake tool that writes its arguments, so the test can scan them; the environment is
// where credentials are allowed to travel, so only the names of its AWS variables are kept.
const ARGV_DUMP = `#!${process.execPath}\nrequire("node:fs").writeFileSync("argv.json", JSON.stringify({ argv: process.argv.slice(2), env: Object.keys(process.env).filter((name) => name.startsWith("AWS_")) }));\n`;
// A credential process that prints a notice before its JSON, which the SDK rejects.
const NOISY_PROCESS = `#!/bin/sh\necho "Notice: token refreshed"\necho '{"Version":1,"AccessKeyId":"AKIASECRETPROC000001","SecretAccessKey":"${PROCESS_SECRET}","SessionToken":"${SESSION_TOKEN}"}'\n`;
// A credential process that prints shell exports instead of JSON, secrets included.
const EXPORTING_PROCESS = `#!/bin/sh\necho "export AWS_SECRET_ACCESS_KEY=${PROCESS_SECRET}"\necho "export AWS_SESSION_TOKEN=${SESSION_TOKEN}"\n`;

const SCENARIOS: Scenario[] = [
  { name: "check with session keys", args: ["check", "--stage", "dev"], vars: ENV_KEYS },
  { name: "check --json", args: ["check", "--stage", "dev", "--json"], vars: ENV_KEYS },
  { name: "check --verbose --debug", args: ["check", "--stage", "dev", "--verbose", "--debug"], vars: { ...ENV_KEYS, NODE_DEBUG: "preflight" } },
  { name: "GitHub Actions summary", args: ["check", "--stage", "dev", "--json"], vars: { ...ENV_KEYS, GITHUB_ACTIONS: "true", CI: "true" } },
  { name: "wrong account", args: ["check", "--stage", "prod", "--json"], vars: ENV_KEYS, config: { stages: { prod: { accounts: ["111111111111"] } } } },
  { name: "expired session", args: ["check", "--stage", "dev"], vars: { ...ENV_KEYS, AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() - 600_000).toISOString() } },
  { name: "keys rejected by AWS", args: ["check", "--stage", "dev", "--json", "--verbose"], vars: ENV_KEYS, auth: true },
  { name: "profile with file keys", args: ["check", "--stage", "dev", "--profile", "dev", "--verbose"], vars: NO_ENV_KEYS, files: { credentials: FILE_KEYS } },
  {
    name: "malformed credentials file",
    args: ["check", "--stage", "dev", "--profile", "dev", "--verbose"],
    vars: NO_ENV_KEYS,
    files: { credentials: `[dev]\naws_access_key_id AKIASECRETFILE000001\naws_secret_access_key ${FILE_SECRET}\n[profile dev]\naws_secret_access_key=${FILE_SECRET}\n` },
  },
  {
    name: "noisy credential process",
    args: ["check", "--stage", "dev", "--profile", "proc", "--verbose", "--debug"],
    vars: NO_ENV_KEYS,
    files: { config: "[profile proc]\ncredential_process = ./creds.sh\nregion = us-east-1\n" },
    projectFiles: { "creds.sh": NOISY_PROCESS },
  },
  {
    name: "credential process printing exports",
    args: ["check", "--stage", "dev", "--profile", "proc", "--verbose", "--debug"],
    vars: NO_ENV_KEYS,
    files: { config: "[profile proc]\ncredential_process = ./creds.sh\nregion = us-east-1\n" },
    projectFiles: { "creds.sh": EXPORTING_PROCESS },
  },
  { name: "cdk wrapper arguments", args: ["cdk", "deploy", "--stage", "dev", "--verbose"], vars: ENV_KEYS, bin: { cdk: ARGV_DUMP } },
  { name: "cdk wrapper with profile", args: ["cdk", "deploy", "--profile", "dev", "-c", "stage=dev"], vars: NO_ENV_KEYS, files: { credentials: FILE_KEYS }, bin: { cdk: ARGV_DUMP } },
  { name: "sst v1 wrapper arguments", args: ["deploy", "--stage", "dev"], vars: ENV_KEYS, bin: { sst: ARGV_DUMP }, projectFiles: { "sst.json": JSON.stringify({ name: "app", region: "us-east-1" }) } },
];

for (const scenario of SCENARIOS) {
  secrets(scenario.name, async (state) => {
    const project = makeCdkProject({ config: scenario.config ?? TARGET.config, files: scenario.projectFiles ?? {}, bin: scenario.bin ?? {} });
    for (const file of Object.keys(scenario.projectFiles ?? {})) if (file.endsWith(".sh")) chmodSync(path.join(project.dir, file), 0o755);
    const privateTmp = mkdtempSync(path.join(tmpdir(), "preflight-secrets-tmp-"));
    const isolated = makeIsolatedEnv({
      endpoint: state.stub.url,
      ...(scenario.files ? { files: scenario.files } : {}),
      vars: { ...TARGET.vars, ...scenario.vars, TMPDIR: privateTmp, ...(scenario.vars?.GITHUB_ACTIONS ? { GITHUB_STEP_SUMMARY: path.join(privateTmp, "step-summary.md") } : {}) },
    });
    mkdirSync(path.join(isolated.home, ".aws"), { recursive: true });
    const before = new Map([...snapshot(project.dir), ...snapshot(isolated.home)]);
    let run: CliRun;
    try {
      if (scenario.auth) await state.moto.enableAuth();
      run = await runCli(scenario.args, { cwd: project.dir, env: isolated.env, timeoutMs: 45_000 });
    } finally {
      if (scenario.auth) await state.moto.disableAuth();
    }

    try {
      assert.ok(run.stdout.length + run.stderr.length > 0, "the run printed something");
      assert.is(findSecret(run.stdout), undefined, `stdout leaks a secret:\n${run.stdout}`);
      assert.is(findSecret(run.stderr), undefined, `stderr leaks a secret:\n${run.stderr}`);

      const written = [...snapshot(project.dir), ...snapshot(isolated.home), ...snapshot(privateTmp)].filter(([file, mtime]) => before.get(file) !== mtime);
      for (const [file] of written) {
        assert.is(findSecret(readFileSync(file, "latin1")), undefined, `${file} leaks a secret`);
      }
      if (scenario.vars?.GITHUB_ACTIONS) {
        assert.ok(written.some(([file]) => file.endsWith("step-summary.md")), `the step summary was written\n${run.stderr}`);
      }
      if (scenario.bin) {
        const argvFile = path.join(project.dir, "argv.json");
        const dump = JSON.parse(readFileSync(argvFile, "utf8")) as { argv: string[]; env: string[] };
        assert.ok(dump.argv.length > 0, "the tool got its command");
        assert.is(findSecret(dump.argv.join(" ")), undefined, `the tool's arguments leak a secret: ${dump.argv.join(" ")}`);
      }
    } finally {
      isolated.cleanup();
      project.cleanup();
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });
}

secrets("scanner finds a planted secret", () => {
  assert.ok(findSecret(`masked ${SECRET_KEY.slice(5, 5 + WINDOW)} tail`), "a 12-character piece is found");
  assert.is(findSecret("AKIA************0001 nothing secret here"), undefined);
  const planted = mkdtempSync(path.join(tmpdir(), "preflight-secrets-plant-"));
  try {
    const before = snapshot(planted);
    writeFileSync(path.join(planted, "leak.txt"), `token=${SESSION_TOKEN}`);
    const written = [...snapshot(planted)].filter(([file, mtime]) => before.get(file) !== mtime);
    assert.is(written.length, 1);
    assert.ok(findSecret(readFileSync(written[0]![0], "latin1")));
  } finally {
    rmSync(planted, { recursive: true, force: true });
  }
});

secrets.run();
