// The protected-stage confirmation on a real terminal (tmux): the deploy asks for the
// stage name, the person types it, and the wrapped cdk runs; a wrong name stops the
// deploy. The live progress lines step aside while the question is on screen.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { CLI, makeCdkProject, type TempProject } from "./harness/cli-project.js";
import { makeSstApp } from "./harness/sst-app.js";
import { openTerminal } from "./harness/tmux.js";

interface State {
  moto: MotoServer;
  isolated: IsolatedEnv;
}

const CONFIG = { stages: { prod: { accounts: ["222222222222"], protected: true } }, checks: { bootstrap: "off", serviceRole: "off", permissions: "off" } };
const STAND_IN_CDK = `#!/bin/sh\nprintf '%s\\n' "$@" > "$PWD/cdk-args.txt"\necho "stand-in cdk ran"\n`;
const QUESTION = 'Stage "prod" is protected. Type the stage name to deploy it in account 222222222222 (eu-west-1):';

const confirm = suite<State>("protected stage on a terminal");

confirm.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
  state.isolated = makeIsolatedEnv({
    endpoint: state.moto.url,
    vars: { AWS_ACCESS_KEY_ID: "AKIATTYPROTECT000001", AWS_SECRET_ACCESS_KEY: "ttyProtectFakeSecret00000000000000000000", AWS_REGION: "eu-west-1", TERM: "xterm-256color" },
  });
});

confirm.after(async (state) => {
  await state.moto?.stop();
  state.isolated?.cleanup();
});

async function deployProd(state: State, project: TempProject) {
  return openTerminal(process.execPath, [CLI, "--stage", "prod", "cdk", "deploy"], { cwd: project.dir, env: state.isolated.env });
}

confirm("typed stage name lets cdk run", async (state) => {
  const project = makeCdkProject({ config: CONFIG, bin: { cdk: STAND_IN_CDK } });
  const tty = await deployProd(state, project);
  try {
    const asked = await tty.waitFor(QUESTION);
    assert.not.match(asked, "running", "no live line while the question is on screen");
    await tty.type("prod", true);
    assert.is(await tty.exitCode(), 0, await tty.screen());
    const screen = await tty.screen();
    assert.match(screen, `${QUESTION} prod`);
    assert.match(screen, /^✔ account\s+account 222222222222 and region eu-west-1 are allowed/m);
    assert.match(screen, "stand-in cdk ran");
    assert.is(readFileSync(path.join(project.dir, "cdk-args.txt"), "utf8"), "deploy\n");
  } finally {
    await tty.close();
    project.cleanup();
  }
});

confirm("wrong name stops the deploy", async (state) => {
  const project = makeCdkProject({ config: CONFIG, bin: { cdk: STAND_IN_CDK } });
  const tty = await deployProd(state, project);
  try {
    await tty.waitFor(QUESTION);
    await tty.type("production", true);
    assert.is(await tty.exitCode(), 1);
    const screen = await tty.screen();
    assert.match(screen, 'the typed name "production" does not match the stage "prod"');
    assert.match(screen, "sst-preflight stopped `cdk deploy` before it ran.");
    assert.not.ok(existsSync(path.join(project.dir, "cdk-args.txt")), "cdk must not run");
  } finally {
    await tty.close();
    project.cleanup();
  }
});

confirm("dev session is rejected without a question", async (state) => {
  const project = makeCdkProject({ config: CONFIG, bin: { cdk: STAND_IN_CDK } });
  const tty = await openTerminal(process.execPath, [CLI, "--stage", "prod", "cdk", "watch"], { cwd: project.dir, env: state.isolated.env });
  try {
    assert.is(await tty.exitCode(), 1);
    const screen = await tty.screen();
    assert.match(screen, 'stage "prod" is protected: `cdk watch` is not allowed there');
    assert.not.match(screen, "Type the stage name");
    assert.not.ok(existsSync(path.join(project.dir, "cdk-args.txt")));
  } finally {
    await tty.close();
    project.cleanup();
  }
});

confirm("sst v2 asks inside sst", async (state) => {
  // The example app binds prod to 111111111111; the credentials here belong to 222222222222.
  const app = makeSstApp({
    replace: [
      ['accounts: ["111111111111"],', 'accounts: ["222222222222"],\n          protected: true,'],
      ["stages: {", 'checks: { bootstrap: "off", permissions: "off" },\n      stages: {'],
    ],
  });
  const tty = await openTerminal(path.join(app.dir, "node_modules", ".bin", "sst"), ["deploy", "--stage", "prod"], { cwd: app.dir, env: state.isolated.env });
  try {
    await tty.waitFor(QUESTION, 60_000);
    await tty.type("staging", true);
    assert.is(await tty.exitCode(), 1);
    const screen = await tty.screen();
    assert.match(screen, 'the typed name "staging" does not match the stage "prod"');
    assert.match(screen, "sst-preflight stopped `sst deploy` before it deployed anything.");
    assert.match(screen, "PREFLIGHT_CONFIRM_STAGE=prod");
  } finally {
    await tty.close();
    app.cleanup();
  }
});

confirm.run();
