// Protected stages: development sessions are rejected, and a deploy or removal is
// confirmed by CI, a typed stage name, --yes with --stage, or
// PREFLIGHT_CONFIRM_STAGE. First the rules on a built context, then through the
// wrapper with a stand-in cdk against moto.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { AwsClients } from "../plugin/aws/clients.js";
import type { PreflightContext, Sourced } from "../plugin/runner/types.js";
import { accountHook } from "../hooks/account/index.js";
import { confirmProtectedChange, rejectDevSession } from "../hooks/account/protected.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv } from "./harness/env.js";
import { makeCdkProject, runCli } from "./harness/cli-project.js";
import { parseReport } from "./harness/report-schema.js";

interface ContextOptions {
  command?: string;
  tool?: PreflightContext["tool"]["name"];
  toolArgs?: string[];
  stage?: Sourced<string>;
  protectedStage?: boolean;
  env?: NodeJS.ProcessEnv;
  interactive?: boolean;
  yes?: boolean;
  checkOnly?: boolean;
  answer?: string | Error;
}

function makeContext(options: ContextOptions = {}): PreflightContext & { questions: string[] } {
  const questions: string[] = [];
  const stage = options.stage ?? { value: "prod", source: "--stage" };
  return {
    questions,
    tool: { name: options.tool ?? "sst-v1", detectedBy: "test" },
    command: options.command ?? "deploy",
    toolArgs: options.toolArgs ?? [],
    cwd: process.cwd(),
    env: options.env ?? {},
    stage,
    region: { value: "eu-west-1", source: "AWS_REGION" },
    profile: undefined,
    config: { stages: { prod: { protected: options.protectedStage ?? true } } },
    configOrigin: "preflight.config.json",
    stageConfig: { accounts: ["222222222222"], protected: options.protectedStage ?? true },
    interactive: options.interactive ?? false,
    offline: false,
    flags: { fix: false, yes: options.yes ?? false, ...(options.checkOnly ? { checkOnly: true } : {}) },
    identity: { account: "222222222222", arn: "arn:aws:iam::222222222222:user/dev", userId: "AIDA" },
    aws: new AwsClients({ requestTimeoutMs: 1000 }),
    changes: { args: [], sstConfig: {}, notes: [] },
    signal: new AbortController().signal,
    awsCallTimeoutMs: 1000,
    log: { debug() {}, info() {}, warn() {} },
    prompt: async (question) => {
      questions.push(question);
      if (options.answer instanceof Error) throw options.answer;
      return options.answer ?? "";
    },
  };
}

const PASSED = { status: "pass" as const, summary: "account 222222222222 is allowed" };

const dev = suite("development sessions");

const DEV_CASES: Array<[string, ContextOptions, string]> = [
  ["sst dev", { command: "dev", tool: "sst-v2" }, "`sst dev` is not allowed there"],
  ["sst start", { command: "start", tool: "sst-v1" }, "`sst start` is not allowed there"],
  ["cdk watch", { command: "watch", tool: "cdk", toolArgs: ["watch"] }, "`cdk watch` is not allowed there"],
  ["cdk deploy --hotswap", { command: "deploy", tool: "cdk", toolArgs: ["deploy", "--hotswap"] }, "`cdk deploy --hotswap`"],
  ["cdk deploy --watch", { command: "deploy", tool: "cdk", toolArgs: ["deploy", "--watch"] }, "`cdk deploy --watch`"],
];
for (const [name, options, message] of DEV_CASES) {
  dev(`${name} is rejected`, () => {
    const outcome = rejectDevSession(makeContext(options));
    assert.is(outcome?.status, "fail");
    assert.match(outcome!.summary, 'stage "prod" is protected');
    assert.match(outcome!.summary, message);
    assert.match(outcome!.guidance!.join("\n"), "personal stage");
  });
}

dev("unprotected stage allows dev", () => {
  assert.is(rejectDevSession(makeContext({ command: "dev", protectedStage: false })), undefined);
});

dev("plain cdk deploy is no dev session", () => {
  assert.is(rejectDevSession(makeContext({ command: "deploy", tool: "cdk", toolArgs: ["deploy", "--all"] })), undefined);
});

dev.run();

// ---

const confirm = suite("deploy confirmation");

confirm("CI confirms", async () => {
  const context = makeContext({ env: { CI: "true" } });
  const outcome = await confirmProtectedChange(context, PASSED);
  assert.is(outcome.status, "pass");
  assert.match(outcome.details!.join("\n"), "confirmed because CI is set");
  assert.equal(context.questions, []);
});

confirm("CI=false does not confirm", async () => {
  const outcome = await confirmProtectedChange(makeContext({ env: { CI: "false" } }), PASSED);
  assert.is(outcome.status, "fail");
});

confirm("--yes with --stage confirms", async () => {
  const outcome = await confirmProtectedChange(makeContext({ yes: true }), PASSED);
  assert.is(outcome.status, "pass");
  assert.match(outcome.details!.join("\n"), "confirmed by --yes with --stage");
});

confirm("--yes without --stage fails", async () => {
  const outcome = await confirmProtectedChange(makeContext({ yes: true, stage: { value: "prod", source: ".sst/stage" } }), PASSED);
  assert.is(outcome.status, "fail");
  assert.match(outcome.summary, "the stage \"prod\" came from .sst/stage");
});

confirm("confirm variable names the stage", async () => {
  const good = await confirmProtectedChange(makeContext({ env: { PREFLIGHT_CONFIRM_STAGE: "prod" } }), PASSED);
  assert.is(good.status, "pass");
  const wrong = await confirmProtectedChange(makeContext({ env: { PREFLIGHT_CONFIRM_STAGE: "dev" } }), PASSED);
  assert.is(wrong.status, "fail");
  assert.match(wrong.summary, 'PREFLIGHT_CONFIRM_STAGE is "dev"');
});

confirm("no terminal fails without prompting", async () => {
  const context = makeContext({ interactive: false });
  const outcome = await confirmProtectedChange(context, PASSED);
  assert.is(outcome.status, "fail");
  assert.match(outcome.summary, "this run cannot prompt");
  const guidance = outcome.guidance!.join("\n");
  assert.match(guidance, "sst-preflight --yes deploy --stage prod");
  assert.match(guidance, "PREFLIGHT_CONFIRM_STAGE=prod");
  assert.equal(context.questions, [], "no prompt without a terminal");
});

confirm("SST v2 guidance leaves out --yes", async () => {
  const outcome = await confirmProtectedChange(makeContext({ tool: "sst-v2" }), PASSED);
  assert.not.match(outcome.guidance!.join("\n"), "--yes");
});

confirm("typed stage name confirms", async () => {
  const context = makeContext({ interactive: true, answer: "prod" });
  const outcome = await confirmProtectedChange(context, PASSED);
  assert.is(outcome.status, "pass");
  assert.equal(context.questions, ['Stage "prod" is protected. Type the stage name to deploy it in account 222222222222 (eu-west-1): ']);
});

confirm("wrong name fails", async () => {
  const outcome = await confirmProtectedChange(makeContext({ interactive: true, answer: "Prod" }), PASSED);
  assert.is(outcome.status, "fail");
  assert.match(outcome.summary, 'the typed name "Prod" does not match the stage "prod"');
});

confirm("failed prompt fails", async () => {
  const outcome = await confirmProtectedChange(makeContext({ interactive: true, answer: new Error("stdin closed") }), PASSED);
  assert.is(outcome.status, "fail");
  assert.match(outcome.summary, "stdin closed");
});

confirm("removal asks to remove", async () => {
  const context = makeContext({ command: "remove", interactive: true, answer: "prod" });
  await confirmProtectedChange(context, PASSED);
  assert.match(context.questions[0]!, "Type the stage name to remove it");
});

confirm("check mode only reports", async () => {
  const context = makeContext({ checkOnly: true, interactive: true });
  const outcome = await confirmProtectedChange(context, PASSED);
  assert.is(outcome.status, "pass");
  assert.match(outcome.details!.join("\n"), "will ask to type the stage name");
  assert.equal(context.questions, []);
});

confirm("diff needs no confirmation", async () => {
  const context = makeContext({ command: "diff", interactive: true });
  assert.is(await confirmProtectedChange(context, PASSED), PASSED);
});

confirm("account hook asks after the account passes", async () => {
  const right = makeContext({ interactive: true, answer: "prod" });
  assert.is((await accountHook.run(right)).status, "pass");
  assert.is(right.questions.length, 1);

  const wrong = makeContext({ interactive: true, answer: "prod" });
  wrong.stageConfig = { accounts: ["111111111111"], protected: true };
  assert.is((await accountHook.run(wrong)).status, "fail");
  assert.equal(wrong.questions, [], "no confirmation for the wrong account");
});

confirm.run();

// ---

interface State {
  moto: MotoServer;
}

const wrapper = suite<State>("protected stage through the wrapper");

wrapper.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
});

wrapper.after(async (state) => {
  await state.moto?.stop();
});

const CONFIG = { stages: { prod: { accounts: ["222222222222"], protected: true } }, checks: { bootstrap: "off", serviceRole: "off", permissions: "off" } };
const STAND_IN_CDK = `#!/bin/sh\nprintf '%s\\n' "$@" > "$PWD/cdk-args.txt"\necho "stand-in cdk ran"\n`;

async function wrap(state: State, args: string[], vars: Record<string, string> = {}) {
  const project = makeCdkProject({ config: CONFIG, bin: { cdk: STAND_IN_CDK } });
  const isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: "AKIAPROTECTFAKE00001", AWS_SECRET_ACCESS_KEY: "protectFakeSecret00000000000000000000000", AWS_REGION: "eu-west-1", ...vars },
  });
  try {
    const run = await runCli(args, { cwd: project.dir, env: isolated.env });
    const argsFile = path.join(project.dir, "cdk-args.txt");
    return { ...run, cdkArgs: existsSync(argsFile) ? readFileSync(argsFile, "utf8") : undefined };
  } finally {
    isolated.cleanup();
    project.cleanup();
  }
}

wrapper("cdk watch stops before cdk", async (state) => {
  const run = await wrap(state, ["--stage", "prod", "cdk", "watch"]);
  assert.is(run.exitCode, 1, run.stderr);
  assert.match(run.stderr, '✖ account       stage "prod" is protected: `cdk watch` is not allowed there');
  assert.is(run.cdkArgs, undefined);
});

wrapper("deploy without terminal stops", async (state) => {
  const run = await wrap(state, ["cdk", "deploy", "-c", "stage=prod"]);
  assert.is(run.exitCode, 1, run.stderr);
  assert.match(run.stderr, "this run cannot prompt");
  assert.match(run.stderr, "sst-preflight --yes --stage prod cdk deploy -c stage=prod");
  assert.is(run.cdkArgs, undefined);
});

wrapper("--yes with --stage deploys", async (state) => {
  const run = await wrap(state, ["--yes", "--stage", "prod", "cdk", "deploy"]);
  assert.is(run.exitCode, 0, run.stderr);
  assert.is(run.cdkArgs, "deploy\n");
});

wrapper("CI deploys and says why", async (state) => {
  const run = await wrap(state, ["--stage", "prod", "--verbose", "cdk", "deploy"], { CI: "true" });
  assert.is(run.exitCode, 0, run.stderr);
  assert.match(run.stderr, "confirmed because CI is set");
  assert.is(run.cdkArgs, "deploy\n");
});

wrapper("json reports the confirmation", async (state) => {
  const run = await wrap(state, ["--stage", "prod", "--json", "cdk", "deploy"], { PREFLIGHT_CONFIRM_STAGE: "prod" });
  assert.is(run.exitCode, 0, run.stderr);
  // The wrapped tool writes to stdout after the report, so only the report's lines are parsed.
  const reportText = run.stdout.slice(0, run.stdout.indexOf("\n}\n") + 3);
  assert.match(run.stdout.slice(reportText.length), "stand-in cdk ran");
  const account = parseReport(reportText).checks.find((check: { id: string }) => check.id === "account");
  assert.equal(account.data, { account: "222222222222", region: "eu-west-1", protected: true, confirmedBy: "confirmed by PREFLIGHT_CONFIRM_STAGE=prod" });
});

wrapper.run();
