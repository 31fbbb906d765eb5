// Wrapper details that need no AWS: the CDK command among global options, the
// refusal of --offline, and --yes reaching the checks inside an SST v2 app.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { firstPositional } from "../plugin/cli/commands/wrap.js";
import { REPO_ROOT } from "./harness/sst-app.js";

const CLI = path.join(REPO_ROOT, "dist", "plugin", "cli", "main.js");

const command = suite("cdk command detection");

command("command after context option", () => {
  assert.is(firstPositional(["-c", "stage=prod", "deploy"]), "deploy");
});

command("command after several value options", () => {
  assert.is(firstPositional(["--profile", "dev", "--region", "eu-west-1", "-a", "node app.js", "diff", "Stack"]), "diff");
});

command("command first", () => {
  assert.is(firstPositional(["deploy", "--all"]), "deploy");
});

command("flags only", () => {
  assert.is(firstPositional(["--version"]), undefined);
});

command.run();

// ---

const wrapper = suite("wrapper");

wrapper("offline is rejected for a deploy", async () => {
  const project = mkdtempSync(path.join(os.tmpdir(), "preflight-wrap-"));
  try {
    writeFileSync(path.join(project, "cdk.json"), "{}");
    const result = await execa(process.execPath, [CLI, "--offline", "cdk", "deploy"], { cwd: project, reject: false, stdin: "ignore" });
    assert.is(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, "--offline cannot guard a deploy");
    assert.match(result.stderr, "check --offline");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

wrapper("yes reaches preflight() in sst.config.ts", async () => {
  const project = mkdtempSync(path.join(os.tmpdir(), "preflight-wrap-"));
  try {
    writeFileSync(path.join(project, "sst.config.ts"), 'import { preflight } from "sst-preflight";\nexport default { config: preflight(() => ({ name: "a" })), stacks() {} };\n');
    // A stand-in sst that records what it received.
    const bin = path.join(project, "node_modules", ".bin");
    mkdirSync(bin, { recursive: true });
    const record = path.join(project, "received.txt");
    writeFileSync(path.join(bin, "sst"), `#!/bin/sh\necho "args=$* confirm=$PREFLIGHT_CONFIRM_STAGE" > "${record}"\n`);
    chmodSync(path.join(bin, "sst"), 0o755);

    const result = await execa(process.execPath, [CLI, "--yes", "deploy", "--stage", "prod"], { cwd: project, reject: false, stdin: "ignore" });
    assert.is(result.exitCode, 0, result.stderr);
    const received = readFileSync(record, "utf8").trim();
    assert.is(received, "args=deploy --stage prod confirm=prod");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

wrapper.run();
