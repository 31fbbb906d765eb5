// The human report and the GitHub Actions output: live lines redrawn in place on a
// terminal, plain lines without control characters elsewhere, colours, annotations
// and the step summary. The last suite checks the same through the built CLI against moto.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv } from "./harness/env.js";
import { makeCdkProject, runCli } from "./harness/cli-project.js";
import { parseReport } from "./harness/report-schema.js";
import { LiveArea } from "../plugin/report/live.js";
import { HumanReporter } from "../plugin/report/human.js";
import { createReporter } from "../plugin/report/reporter.js";
import { annotations, escapeData, reportToGithub, stepSummary } from "../plugin/report/github.js";
import { wantsColor } from "../plugin/report/color.js";
import { stripControl } from "../plugin/report/text.js";
import type { CheckResult, Hook, PreflightContext } from "../plugin/runner/types.js";

/** Replays terminal output (text, CR, LF, cursor up, clear to end) into the lines on screen. */
function screen(output: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  let column = 0;
  const pattern = /\u001b\[(\d*)([AJ])|\r|\n|[^\u001b\r\n]+/g;
  for (const match of output.matchAll(pattern)) {
    const [token, count, command] = match;
    if (command === "A") row = Math.max(0, row - Number(count || 1));
    else if (command === "J") {
      lines.length = row + 1;
      lines[row] = lines[row]!.slice(0, column);
    } else if (token === "\r") column = 0;
    else if (token === "\n") {
      row++;
      column = 0;
      lines[row] ??= "";
    } else {
      const line = lines[row]!;
      lines[row] = line.slice(0, column) + token + line.slice(column + token.length);
      column += token.length;
    }
  }
  return lines.filter((line, index) => index < lines.length - 1 || line !== "");
}

function result(id: CheckResult["id"], status: CheckResult["status"], summary: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: id, status, summary, details: [], guidance: [], durationMs: 12, ...extra };
}

const hook = (id: Hook["id"]): Hook => ({ id, title: id, run: async () => ({ status: "pass", summary: "" }) });

const live = suite("live lines");

live("running lines become results", () => {
  let output = "";
  let now = 0;
  const area = new LiveArea({ write: (text) => (output += text), columns: () => 80, now: () => now, format: (frame, title, ms) => `${frame} ${title} ${ms} ms` });
  area.add("credentials", "credentials");
  area.add("account", "account");
  now = 1500;
  area.print("");
  assert.equal(screen(output), ["⠋ credentials 1500 ms", "⠋ account 1500 ms"]);

  area.finish("credentials", "✔ credentials ok\n");
  assert.equal(screen(output), ["✔ credentials ok", "⠋ account 1500 ms"]);

  area.finish("account", "✖ account wrong\n    → fix it\n");
  area.stop();
  assert.equal(screen(output), ["✔ credentials ok", "✖ account wrong", "    → fix it"]);
});

live("suspend hides lines and defers output", async () => {
  let output = "";
  const area = new LiveArea({ write: (text) => (output += text), columns: () => 80, format: (_frame, title) => `~ ${title}` });
  area.add("account", "account");
  area.add("bootstrap", "bootstrap");
  await area.suspend(async () => {
    assert.equal(screen(output), [], "no running line while the prompt owns the terminal");
    area.finish("bootstrap", "✔ bootstrap ok\n");
    assert.equal(screen(output), [], "results wait until the prompt returns");
    area.add("permissions", "permissions");
    assert.equal(screen(output), [], "a check that starts meanwhile is not drawn");
  });
  assert.equal(screen(output), ["✔ bootstrap ok", "~ account", "~ permissions"]);
  area.stop();
});

live("prompts run one at a time", async () => {
  const reporter = createReporter({ write: () => {}, color: false });
  const events: string[] = [];
  const ask = (name: string, ms: number) =>
    reporter.suspend(async () => {
      events.push(`${name} asks`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} answered`);
      if (name === "first") throw new Error("no answer");
      return name;
    });
  const [first, second] = await Promise.allSettled([ask("first", 40), ask("second", 1)]);
  assert.is(first.status, "rejected");
  assert.equal(second, { status: "fulfilled", value: "second" });
  assert.equal(events, ["first asks", "first answered", "second asks", "second answered"]);
});

live("long titles are cut to the width", () => {
  let output = "";
  const area = new LiveArea({ write: (text) => (output += text), columns: () => 40, format: (_frame, title) => title });
  area.add("permissions", "a very long title that would wrap on a narrow terminal");
  area.stop();
  assert.ok(output.split("\n")[0]!.length <= 40, output);
  assert.match(output, "…");
});

live.run();

// ---

const plain = suite("plain report");

const HOSTILE = "denied\u001b[2J\u001b[31m by\r policy\u0007";

plain("no control characters without a terminal", () => {
  let output = "";
  const reporter = new HumanReporter({ write: (text) => (output += text), color: false, live: false });
  reporter.start(hook("credentials"));
  reporter.result(result("credentials", "fail", HOSTILE, { details: [HOSTILE], guidance: ["run\u001b[1A this"] }));
  reporter.summary([result("credentials", "fail", "x")], 1200, []);
  assert.not.match(output, /[\u0000-\u0008\u000b-\u001f\u007f]/, JSON.stringify(output));
  assert.match(output, "✖ credentials");
  assert.match(output, "denied by\n");
  assert.match(output, "0 passed, 1 failed in 1.2 s");
});

plain("TERM=dumb turns live lines off", () => {
  let output = "";
  const reporter = new HumanReporter({ write: (text) => (output += text), color: false, live: true, env: { TERM: "dumb" } });
  reporter.start(hook("account"));
  reporter.result(result("account", "pass", "ok"));
  reporter.summary([result("account", "pass", "ok")], 5, []);
  assert.not.match(output, "\u001b");
  assert.match(output, "✔ account");
});

plain("still-running notice is a plain line", async () => {
  let output = "";
  const reporter = new HumanReporter({ write: (text) => (output += text), color: false, noticeAfterMs: 30 });
  reporter.start(hook("bootstrap"));
  await new Promise((resolve) => setTimeout(resolve, 80));
  reporter.result(result("bootstrap", "pass", "ok"));
  assert.match(output, /^… bootstrap is still running \(0\.\d s\)\n/);
  const count = output.split("still running").length;
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.is(output.split("still running").length, count, "no notice after the result");
});

plain("blocked by fail-on is said", () => {
  let output = "";
  const reporter = new HumanReporter({ write: (text) => (output += text), color: false });
  reporter.summary([result("account", "warn", "x")], 5, [], true);
  assert.match(output, "1 warned (blocked by --fail-on)");
});

plain("stripControl keeps tabs and newlines", () => {
  assert.is(stripControl("a\tb\r\nc\u001b[0md\u009b"), "a\tb\ncd");
});

plain.run();

// ---

const colors = suite("colours");

const COLOR_CASES: Array<[string, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean, boolean]> = [
  ["terminal", { isTTY: true }, {}, false, true],
  ["pipe", { isTTY: false }, {}, false, false],
  ["--no-color", { isTTY: true }, {}, true, false],
  ["NO_COLOR", { isTTY: true }, { NO_COLOR: "1" }, false, false],
  ["empty NO_COLOR", { isTTY: true }, { NO_COLOR: "" }, false, true],
  ["FORCE_COLOR in a pipe", { isTTY: false }, { FORCE_COLOR: "1" }, false, true],
  ["FORCE_COLOR=0", { isTTY: true }, { FORCE_COLOR: "0" }, false, false],
  ["NO_COLOR beats FORCE_COLOR", { isTTY: false }, { NO_COLOR: "1", FORCE_COLOR: "1" }, false, false],
  ["TERM=dumb", { isTTY: true }, { TERM: "dumb" }, false, false],
  ["CI on a terminal", { isTTY: true }, { CI: "true" }, false, false],
  ["CI=false on a terminal", { isTTY: true }, { CI: "false" }, false, true],
  ["FORCE_COLOR in CI", { isTTY: false }, { CI: "true", FORCE_COLOR: "1" }, false, true],
];
for (const [name, stream, env, flag, expected] of COLOR_CASES) {
  colors(`colour for ${name}`, () => {
    assert.is(wantsColor(stream, env, flag), expected);
  });
}

colors.run();

// ---

const github = suite("github output");

const CONTEXT = {
  command: "deploy",
  stage: { value: "prod", source: "--stage" },
  region: { value: "eu-west-1", source: "AWS_REGION" },
  identity: { account: "222222222222", arn: "arn:aws:iam::222222222222:user/ci", userId: "AID" },
} as unknown as PreflightContext;

github("annotations escape newlines and percent", () => {
  const lines = annotations([
    result("credentials", "pass", "ok"),
    result("account", "fail", "account 2 is not allowed: 100%", { guidance: ["Switch, then retry"] }),
    result("bootstrap", "unknown", "denied"),
    result("permissions", "warn", "a | b"),
  ]);
  assert.equal(lines, [
    "::error title=sst-preflight account::account 2 is not allowed: 100%25%0A→ Switch, then retry",
    "::warning title=sst-preflight bootstrap (unknown)::denied",
    "::warning title=sst-preflight permissions::a | b",
  ]);
  assert.is(escapeData("a\r\nb"), "a%0D%0Ab");
});

github("step summary table and details", () => {
  const text = stepSummary(
    CONTEXT,
    [result("credentials", "pass", "ok"), result("account", "fail", "bad | <x>", { guidance: ['{\n  "Version": "2012-10-17"\n}'] })],
    { blocked: true, durationMs: 1234 },
  );
  assert.match(text, "### ❌ sst-preflight stopped the run");
  assert.match(text, "`deploy` · stage `prod` · region `eu-west-1` · account `222222222222` · in 1.2 s");
  assert.match(text, "| account | ❌ fail | bad \\| &lt;x&gt; |");
  assert.match(text, '<details open><summary><b>account</b>: fail</summary>');
  assert.match(text, '  ```\n  {\n    "Version": "2012-10-17"\n  }\n  ```');
});

github("unwritable summary is reported", () => {
  let output = "";
  reportToGithub({ GITHUB_STEP_SUMMARY: "/nonexistent/dir/summary.md" }, (text) => (output += text), CONTEXT, [result("account", "pass", "ok")], { blocked: false, durationMs: 1 });
  assert.match(output, "could not append the step summary to /nonexistent/dir/summary.md");
});

github.run();

// ---

interface State {
  moto: MotoServer;
}

const cli = suite<State>("report through the CLI");

cli.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
});

cli.after(async (state) => {
  await state.moto?.stop();
});

const PROD_ELSEWHERE = { stages: { prod: { accounts: ["111111111111"] } }, checks: { bootstrap: "off", serviceRole: "off", permissions: "off" } };

async function check(state: State, args: string[], vars: Record<string, string>, config: unknown = PROD_ELSEWHERE) {
  const project = makeCdkProject({ config });
  const isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: "AKIAREPORTFAKE000001", AWS_SECRET_ACCESS_KEY: "reportFakeSecret000000000000000000000000", AWS_REGION: "eu-west-1", NO_COLOR: undefined, ...vars },
  });
  try {
    return await runCli(["check", ...args], { cwd: project.dir, env: isolated.env });
  } finally {
    isolated.cleanup();
    project.cleanup();
  }
}

cli("github annotations and step summary", async (state) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-summary-"));
  const summaryFile = path.join(dir, "summary.md");
  try {
    const run = await check(state, ["--stage", "prod", "--json"], { GITHUB_ACTIONS: "true", CI: "true", GITHUB_STEP_SUMMARY: summaryFile });
    assert.is(run.exitCode, 1, run.stderr);
    assert.match(run.stderr, /^::error title=sst-preflight account::account 222222222222 is not allowed for stage "prod"/m);
    const report = parseReport(run.stdout);
    assert.is(report.blocked, true);
    const summary = readFileSync(summaryFile, "utf8");
    assert.match(summary, "### ❌ sst-preflight stopped the run");
    assert.match(summary, "| account | ❌ fail |");
    assert.match(summary, "| credentials | ✅ pass |");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cli("no annotations outside GitHub Actions", async (state) => {
  const run = await check(state, ["--stage", "prod"], { CI: "true" });
  assert.is(run.exitCode, 1);
  assert.not.match(run.stderr, "::error");
});

cli("pipe output has no control characters", async (state) => {
  const run = await check(state, ["--stage", "prod"], {});
  assert.not.match(run.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/, JSON.stringify(run.stderr));
  assert.match(run.stderr, "✖ account");
});

cli("FORCE_COLOR colours a pipe", async (state) => {
  const run = await check(state, ["--stage", "prod"], { FORCE_COLOR: "1" });
  assert.match(run.stderr, "\u001b[31m✖\u001b[39m account");
});

cli("--no-color beats FORCE_COLOR", async (state) => {
  const run = await check(state, ["--stage", "prod", "--no-color"], { FORCE_COLOR: "1" });
  assert.not.match(run.stderr, "\u001b[");
});

cli("fail-on warn blocks a downgraded failure", async (state) => {
  const config = { ...PROD_ELSEWHERE, checks: { ...PROD_ELSEWHERE.checks, account: "warn" } };
  const passing = await check(state, ["--stage", "prod", "--json"], {}, config);
  assert.is(passing.exitCode, 0, passing.stderr);
  const warned = parseReport(passing.stdout);
  assert.is(warned.checks.find((entry: { id: string }) => entry.id === "account").downgraded, true);

  const blocked = await check(state, ["--stage", "prod", "--json", "--fail-on", "warn"], {}, config);
  assert.is(blocked.exitCode, 1, blocked.stderr);
  assert.is(parseReport(blocked.stdout).blocked, true);
  assert.match(blocked.stderr, "(blocked by --fail-on)");
});

cli.run();
