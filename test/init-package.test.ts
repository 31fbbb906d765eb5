// The package side of init: routing package scripts through the wrapper, editing
// package.json without changing its look, choosing the package manager from lock
// files, finding stage names, and the example configuration file.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { transformSync } from "esbuild";
import { renderConfigFile } from "../plugin/init/config-file.js";
import { unifiedDiff } from "../plugin/init/diff.js";
import { detectFormat, renderJson, withEntry } from "../plugin/init/manifest.js";
import { detectPackageManager, runScriptCommand } from "../plugin/init/package-manager.js";
import { routeScript } from "../plugin/init/scripts.js";
import { findStages } from "../plugin/init/stages.js";
import { validateConfig } from "../plugin/config/validate.js";
import { palette } from "../plugin/report/color.js";

function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-init-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const SST_COMMANDS = new Set(["deploy", "dev", "start", "remove"]);
const CDK_COMMANDS = new Set(["deploy", "watch", "destroy"]);

const scripts = suite("routeScript");

const ROUTES: Array<[string, "sst" | "cdk", string]> = [
  ["sst deploy --stage prod", "sst", "sst-preflight deploy --stage prod"],
  ["npm run build && sst deploy", "sst", "npm run build && sst-preflight deploy"],
  ["STAGE=x npx sst dev", "sst", "STAGE=x npx sst-preflight dev"],
  ["sst --stage prod deploy", "sst", "sst-preflight --stage prod deploy"],
  ["pnpm exec sst remove --stage a; sst deploy", "sst", "pnpm exec sst-preflight remove --stage a; sst-preflight deploy"],
  ["cdk deploy --all", "cdk", "sst-preflight cdk deploy --all"],
  ["npx cdk destroy -f", "cdk", "npx sst-preflight cdk destroy -f"],
  ["cdk --profile prod watch", "cdk", "sst-preflight cdk --profile prod watch"],
];
for (const [script, binary, expected] of ROUTES) {
  scripts(`routes ${script}`, () => {
    assert.is(routeScript(script, binary, binary === "sst" ? SST_COMMANDS : CDK_COMMANDS).text, expected);
  });
}

const UNCHANGED: Array<[string, "sst" | "cdk"]> = [
  ['bash -c "sst deploy"', "sst"],
  ["sst-preflight deploy", "sst"],
  ["sst build", "sst"],
  ["cdk synth", "cdk"],
  ["echo sst deploy", "sst"],
  ["sstx deploy", "sst"],
];
for (const [script, binary] of UNCHANGED) {
  scripts(`leaves ${script}`, () => {
    const result = routeScript(script, binary, binary === "sst" ? SST_COMMANDS : CDK_COMMANDS);
    assert.is(result.text, script);
    assert.is(result.routed, 0);
  });
}

scripts("foreign option before command is reported", () => {
  const result = routeScript("sst --role arn:aws:iam::1:role/x deploy", "sst", SST_COMMANDS);
  assert.is(result.routed, 0);
  assert.match(result.skipped[0]!, "--role");
});

scripts("already routed commands are listed", () => {
  assert.equal(routeScript("sst-preflight remove --stage a", "sst", SST_COMMANDS).alreadyRouted, ["remove"]);
  assert.equal(routeScript("sst-preflight cdk deploy", "cdk", CDK_COMMANDS).alreadyRouted, ["deploy"]);
});

scripts.run();

// ---

const manifest = suite("package.json format");

manifest("tabs, CRLF and BOM survive", () => {
  const text = '\uFEFF{\r\n\t"name": "a",\r\n\t"devDependencies": {\r\n\t\t"b": "1"\r\n\t}\r\n}\r\n';
  const format = detectFormat(text);
  assert.equal(format, { indent: "\t", eol: "\r\n", finalNewline: true, bom: true });
  assert.is(renderJson(JSON.parse(text.slice(1)), format), text);
});

manifest("four spaces without final newline", () => {
  const text = '{\n    "name": "a"\n}';
  assert.is(renderJson(JSON.parse(text), detectFormat(text)), text);
});

manifest("sorted keys stay sorted", () => {
  assert.equal(Object.keys(withEntry({ a: 1, c: 3 }, "b", 2)), ["a", "b", "c"]);
  assert.equal(Object.keys(withEntry({ c: 3, a: 1 }, "b", 2)), ["c", "a", "b"]);
  assert.equal(Object.keys(withEntry({ a: 1 }, "z", 2)), ["a", "z"]);
});

manifest.run();

// ---

const managers = suite("package manager");

const LOCKS: Array<[string, string]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];
for (const [file, name] of LOCKS) {
  managers(`${file} selects ${name}`, () => {
    const dir = tempProject({ [file]: "", ".git/HEAD": "" });
    try {
      const found = detectPackageManager(dir, {});
      assert.is(found.name, name);
      assert.is(found.detectedBy, file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

managers("workspace lock file in a parent", () => {
  const dir = tempProject({ "pnpm-lock.yaml": "", ".git/HEAD": "", "apps/web/package.json": "{}" });
  try {
    const found = detectPackageManager(path.join(dir, "apps", "web"), {});
    assert.is(found.name, "pnpm");
    assert.is(found.root, dir);
    assert.match(found.detectedBy, path.join("..", "..", "pnpm-lock.yaml"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

managers("packageManager field breaks a tie", () => {
  const dir = tempProject({ "yarn.lock": "", "package-lock.json": "", ".git/HEAD": "" });
  try {
    const found = detectPackageManager(dir, { packageManager: "yarn@4.1.0" });
    assert.is(found.name, "yarn");
    assert.match(found.note ?? "", "yarn.lock and package-lock.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

managers("invalid --package-manager is named", () => {
  assert.throws(() => detectPackageManager(os.tmpdir(), {}, "bun"), /Invalid --package-manager "bun"/);
});

managers("run commands per manager", () => {
  assert.is(runScriptCommand("npm", "deploy", ["--stage", "prod"]), "npm run deploy -- --stage prod");
  assert.is(runScriptCommand("pnpm", "deploy", ["--stage", "prod"]), "pnpm run deploy --stage prod");
  assert.is(runScriptCommand("yarn", "deploy", []), "yarn deploy");
});

managers.run();

// ---

const stages = suite("stages and example config");

stages("stages from scripts, workflows and sst.json", () => {
  const dir = tempProject({
    ".github/workflows/ci.yml": "steps:\n  - run: npx sst deploy --stage=staging\n  - run: npx cdk deploy -c stage=qa\n  - run: sst deploy --stage ${{ env.STAGE }}\n",
    "sst.json": '{ "name": "a", "stage": "legacy" }',
    ".sst/stage": "alice\n",
  });
  try {
    const found = findStages(dir, { "deploy:prod": "sst deploy --stage prod", dev: "SST_STAGE=dev sst dev" });
    assert.equal(found.names, ["prod", "dev", "staging", "qa", "legacy"]);
    assert.is(found.sources.staging, ".github/workflows/ci.yml");
    assert.is(found.personal, "alice");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Evaluates the generated config file with defineConfig as the identity function. */
function evaluateConfig(text: string): unknown {
  const code = transformSync(text, { loader: "ts", format: "cjs" }).code;
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string) => {
    assert.is(name, "sst-preflight");
    return { defineConfig: (config: unknown) => config };
  };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  return module.exports.default;
}

for (const tool of ["sst-v1", "sst-v2", "sst-v3", "cdk"] as const) {
  stages(`example config for ${tool} is valid`, () => {
    for (const names of [[], ["prod", "dev"]]) {
      const text = renderConfigFile({ tool, typescript: true, stages: { names, sources: { prod: "x", dev: "y" }, personal: "alice" }, region: "eu-west-1" });
      const config = validateConfig(evaluateConfig(text), "generated config");
      assert.equal(Object.keys(config.stages ?? {}), [...names, "*"]);
      assert.match(text, names.length ? '// accounts: ["111111111111"]' : '//   accounts: ["111111111111"]');
      assert.is(text.includes("roleArn"), tool !== "sst-v3", "SST v3 takes no CloudFormation service role");
    }
  });
}

stages.run();

// ---

const diff = suite("unified diff");

diff("replacement shows removal first", () => {
  const text = unifiedDiff("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", palette(false));
  assert.is(text, "--- a/a.txt\n+++ b/a.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
});

diff("new file diff", () => {
  assert.is(unifiedDiff("n.txt", undefined, "x\ny\n", palette(false)), "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n");
});

diff("distant changes make two hunks", () => {
  const before = Array.from({ length: 30 }, (_, index) => `line ${index}`).join("\n") + "\n";
  const after = before.replace("line 2\n", "line two\n").replace("line 27\n", "line twenty-seven\n");
  const text = unifiedDiff("a", before, after, palette(false));
  assert.is(text.match(/^@@/gm)?.length, 2);
});

diff.run();
