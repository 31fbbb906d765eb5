// init as a person uses it, on a copy of each small fixture project (SST v1, v2, v3
// and the CDK). Each test previews, writes with --yes, runs init again to see nothing
// change, fills in the accounts, and runs the project's own deploy script through npm
// up to the checks, against moto. The SST v2 app runs the real sst@2.49.8; the other tools are
// stand-in scripts that record their arguments, so a passing run shows what the
// wrapper started.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { parseReport } from "./harness/report-schema.js";
import { REPO_ROOT } from "./harness/sst-app.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");
const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "init");
const SECRET = "initFakeSecretKeyNeverPrinted00000000000";
const KEY_ID = "AKIAINITFAKEKEY00077";
// The credentials belong to moto's account 222222222222; 111111111111 is another team's.
const OTHER_ACCOUNT = "111111111111";
const OWN_ACCOUNT = "222222222222";

interface State {
  moto: MotoServer;
  isolated: IsolatedEnv;
}

/** Copies a fixture and gives it a node_modules with sst-preflight and the tool. */
function prepareFixture(name: "sst-v1" | "sst-v2" | "sst-v3" | "cdk"): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "preflight-init-")), name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  const modules = path.join(dir, "node_modules");
  const bin = path.join(modules, ".bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(REPO_ROOT, path.join(modules, "sst-preflight"));
  writeScript(path.join(bin, "sst-preflight"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);

  if (name === "sst-v2") {
    for (const linked of ["sst", "aws-cdk-lib", "constructs", "aws-cdk"]) symlinkSync(path.join(REPO_ROOT, "node_modules", linked), path.join(modules, linked));
    symlinkSync(path.join(REPO_ROOT, "node_modules", ".bin", "sst"), path.join(bin, "sst"));
    return dir;
  }

  // Stand-ins for tools this machine does not install: each records its arguments.
  const recorder = `#!/bin/sh\nprintf '%s\\n' "$@" > "$PWD/tool-args.txt"\necho "stand-in tool ran"\n`;
  const installed: Record<string, [string, string]> = {
    "sst-v1": ["@serverless-stack/cli", "1.18.4"],
    "sst-v3": ["sst", "3.2.0"],
    cdk: ["aws-cdk", "2.1149.0"],
  };
  const [pkg, version] = installed[name]!;
  mkdirSync(path.join(modules, pkg), { recursive: true });
  writeFileSync(path.join(modules, pkg, "package.json"), JSON.stringify({ name: pkg, version }));
  writeScript(path.join(bin, name === "cdk" ? "cdk" : "sst"), recorder);
  // The CDK fixture's deploy script builds first; TypeScript compiles the app.
  if (name === "cdk") {
    for (const linked of ["aws-cdk-lib", "constructs", "typescript"]) symlinkSync(path.join(REPO_ROOT, "node_modules", linked), path.join(modules, linked));
    symlinkSync(path.join(REPO_ROOT, "node_modules", ".bin", "tsc"), path.join(bin, "tsc"));
  }
  return dir;
}

function writeScript(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), "utf8");
}

/** Runs a command in the project, as a person would in a shell without a terminal on stdin. */
async function run(state: State, dir: string, command: string, args: string[], vars: Record<string, string> = {}) {
  await state.moto.startRecording();
  const result = await execa(command, args, {
    cwd: dir,
    env: { ...state.isolated.env, ...vars },
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    timeout: 180_000,
  });
  await state.moto.stopRecording();
  const requests = await state.moto.recording();
  const output = `${result.stdout}\n${result.stderr}`;
  assert.not.match(output, SECRET, "the secret access key must never be printed");
  return { ...result, output, requests };
}

/** CloudFormation calls that create, change or delete something; the checks only read. */
function stackChanges(requests: Array<{ service?: string; action?: string }>): string[] {
  return requests.filter((request) => request.service === "cloudformation" && /^(Create|Update|Delete|Execute)/.test(request.action ?? "")).map((request) => request.action!);
}

const initCli = (state: State, dir: string, args: string[]) => run(state, dir, process.execPath, [CLI, "init", ...args]);

/** Returns the name of the example configuration init wrote: .ts, or .mjs for the CDK. */
function configFile(dir: string): string {
  return ["preflight.config.ts", "preflight.config.mjs"].find((name) => existsSync(path.join(dir, name)))!;
}

/** Edits the configuration as a person would, with `change` applied to its text. */
function editConfig(dir: string, change: (text: string) => string): void {
  const file = configFile(dir);
  writeFileSync(path.join(dir, file), change(read(dir, file)));
}

/** Uncomments the accounts line of every stage entry and binds them all to `account`. */
const bindAccounts = (account: string) => (text: string) =>
  text.replace(/\/\/ accounts: \["\d{12}"\]/g, `accounts: ["${account}"]`).replace(/accounts: \["\d{12}"\]/g, `accounts: ["${account}"]`);

async function initAndCheckIdempotent(state: State, dir: string): Promise<void> {
  const before = read(dir, "package.json");
  const preview = await initCli(state, dir, []);
  assert.is(preview.exitCode, 1, preview.output);
  assert.match(preview.stderr, "Nothing was written");
  assert.match(preview.stdout, "+++ b/package.json");
  assert.is(read(dir, "package.json"), before, "a run that cannot ask writes nothing");

  const written = await initCli(state, dir, ["--yes"]);
  assert.is(written.exitCode, 0, written.output);
  assert.match(written.stderr, /Wrote .*package\.json/);
  const manifest = JSON.parse(read(dir, "package.json")) as { devDependencies: Record<string, string> };
  assert.is(manifest.devDependencies["sst-preflight"], "^0.1.0");

  const files = ["package.json", configFile(dir), ...(existsSync(path.join(dir, "sst.config.ts")) ? ["sst.config.ts"] : [])];
  const snapshot = files.map((file) => read(dir, file));
  const again = await initCli(state, dir, ["--yes"]);
  assert.is(again.exitCode, 0, again.output);
  assert.match(again.stderr, "Already set up: nothing to change.");
  assert.equal(files.map((file) => read(dir, file)), snapshot, "a second init changes nothing");
}

const fixtures = suite<State>("init on fixture projects");

fixtures.before(async (state) => {
  state.moto = await startMoto({ accountId: OWN_ACCOUNT });
  state.isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: "eu-west-1" },
  });
});

fixtures.after(async (state) => {
  await state.moto?.stop();
  state.isolated?.cleanup();
});

// Checks other than credentials and account need a bootstrapped account, which these runs do not seed.
const ONLY_IDENTITY_CHECKS = (text: string) => text.replace("export default defineConfig({", 'export default defineConfig({\n  checks: { bootstrap: "off", serviceRole: "off", permissions: "off" },');

fixtures("sst v1 deploy script runs the checks", async (state) => {
  const dir = prepareFixture("sst-v1");
  try {
    await initAndCheckIdempotent(state, dir);
    assert.is((JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts.deploy, "sst-preflight deploy --stage prod");

    editConfig(dir, bindAccounts(OTHER_ACCOUNT));
    const stopped = await run(state, dir, "npm", ["run", "deploy"]);
    assert.is(stopped.exitCode, 1, stopped.output);
    assert.match(stopped.stderr, `account ${OWN_ACCOUNT} is not allowed for stage "prod"`);
    assert.match(stopped.stderr, "sst-preflight stopped `sst deploy --stage prod` before it ran.");
    assert.not.ok(existsSync(path.join(dir, "tool-args.txt")), "sst must not run after a failed check");

    editConfig(dir, (text) => ONLY_IDENTITY_CHECKS(bindAccounts(OWN_ACCOUNT)(text)));
    const passed = await run(state, dir, "npm", ["run", "deploy"]);
    assert.is(passed.exitCode, 0, passed.output);
    assert.match(passed.stderr, "✔ account");
    assert.is(read(dir, "tool-args.txt"), "deploy\n--stage\nprod\n");

    const report = parseReport((await run(state, dir, "node_modules/.bin/sst-preflight", ["check", "--stage", "prod", "--json"])).stdout);
    assert.is(report.tool.name, "sst-v1");
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

fixtures("sst v3 deploy script runs the checks", async (state) => {
  const dir = prepareFixture("sst-v3");
  try {
    await initAndCheckIdempotent(state, dir);
    const scripts = (JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts;
    assert.is(scripts["sst:remove"], "sst-preflight remove");
    assert.is(scripts.remove, undefined, "sst:remove already covers remove");

    editConfig(dir, bindAccounts(OTHER_ACCOUNT));
    const stopped = await run(state, dir, "npm", ["run", "deploy"]);
    assert.is(stopped.exitCode, 1, stopped.output);
    assert.match(stopped.stderr, `account ${OWN_ACCOUNT} is not allowed for stage "production"`);
    assert.not.ok(existsSync(path.join(dir, "tool-args.txt")));

    editConfig(dir, (text) => ONLY_IDENTITY_CHECKS(bindAccounts(OWN_ACCOUNT)(text)));
    const passed = await run(state, dir, "npm", ["run", "deploy"]);
    assert.is(passed.exitCode, 0, passed.output);
    assert.is(read(dir, "tool-args.txt"), "deploy\n--stage\nproduction\n");

    const report = parseReport((await run(state, dir, "node_modules/.bin/sst-preflight", ["check", "--stage", "production", "--json"])).stdout);
    assert.is(report.tool.name, "sst-v3");
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

fixtures("cdk deploy script runs the checks", async (state) => {
  const dir = prepareFixture("cdk");
  try {
    await initAndCheckIdempotent(state, dir);
    const scripts = (JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts;
    assert.is(scripts.deploy, "npm run build && sst-preflight cdk deploy --all");
    assert.is(scripts.cdk, "cdk", "the generic cdk script is left alone");
    assert.ok(read(dir, "package.json").includes('\n    "scripts": {'), "four-space indentation is kept");

    // No stage was found, so the "*" entry applies; bind it to the other account.
    editConfig(dir, bindAccounts(OTHER_ACCOUNT));
    const stopped = await run(state, dir, "npm", ["run", "deploy", "--", "-c", "stage=dev"]);
    assert.is(stopped.exitCode, 1, stopped.output);
    assert.match(stopped.stderr, `account ${OWN_ACCOUNT} is not allowed for stage "dev"`);
    assert.ok(existsSync(path.join(dir, "bin", "infra.js")), "the build step ran before the checks");
    assert.not.ok(existsSync(path.join(dir, "tool-args.txt")));

    editConfig(dir, (text) => ONLY_IDENTITY_CHECKS(bindAccounts(OWN_ACCOUNT)(text)));
    const passed = await run(state, dir, "npm", ["run", "deploy", "--", "-c", "stage=dev"]);
    assert.is(passed.exitCode, 0, passed.output);
    assert.is(read(dir, "tool-args.txt"), "deploy\n--all\n-c\nstage=dev\n");

    const report = parseReport((await run(state, dir, "node_modules/.bin/sst-preflight", ["check", "--stage", "dev", "--json"])).stdout);
    assert.is(report.tool.name, "cdk");
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

fixtures("sst v2 app runs the checks inside sst", async (state) => {
  const dir = prepareFixture("sst-v2");
  try {
    await initAndCheckIdempotent(state, dir);
    assert.match(read(dir, "sst.config.ts"), "config: preflight(function config(_input) {");
    assert.is((JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts.deploy, "sst deploy", "sst itself runs the checks");

    editConfig(dir, bindAccounts(OTHER_ACCOUNT));
    const stopped = await run(state, dir, "npm", ["run", "deploy", "--", "--stage", "prod"]);
    assert.is(stopped.exitCode, 1, stopped.output);
    assert.match(stopped.stderr, `account ${OWN_ACCOUNT} is not allowed for stage "prod"`);
    assert.match(stopped.stderr, "sst-preflight stopped `sst deploy` before it deployed anything.");
    assert.equal(stackChanges(stopped.requests), [], "no stack may be created or changed");

    // Bind prod to the right account and protect it: `sst dev` must stop before SST starts.
    editConfig(dir, (text) => bindAccounts(OWN_ACCOUNT)(text).replace("// protected: true,", "protected: true,"));
    const dev = await run(state, dir, "npm", ["run", "dev", "--", "--stage", "prod"]);
    assert.is(dev.exitCode, 1, dev.output);
    assert.match(dev.stderr, 'stage "prod" is protected: `sst dev` is not allowed there');
    assert.equal(stackChanges(dev.requests), [], "no stack may be created or changed");

    const report = parseReport((await run(state, dir, "node_modules/.bin/sst-preflight", ["check", "--stage", "prod", "--command", "dev", "--json"])).stdout);
    assert.is(report.tool.name, "sst-v2");
    assert.is(report.checks.find((check: { id: string }) => check.id === "account").status, "fail");
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

fixtures.run();
