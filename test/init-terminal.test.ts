// init's question on a real terminal (tmux): the diff is shown, then "Write these
// changes? [y/N]"; "y" writes the files and anything else writes nothing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI } from "./harness/cli-project.js";
import { REPO_ROOT } from "./harness/sst-app.js";
import { openTerminal } from "./harness/tmux.js";

const QUESTION = "Write these changes? [y/N]";

function copyFixture(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "preflight-init-tty-")), "cdk");
  cpSync(path.join(REPO_ROOT, "test", "fixtures", "init", "cdk"), dir, { recursive: true });
  return dir;
}

const env = { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), TERM: "xterm-256color" };

const prompt = suite("init prompt on a terminal");

prompt("yes writes the files", async () => {
  const dir = copyFixture();
  const tty = await openTerminal(process.execPath, [CLI, "init"], { cwd: dir, env, rows: 200 });
  try {
    const asked = await tty.waitFor(QUESTION);
    assert.match(asked, "+++ b/package.json");
    assert.match(asked, '+        "deploy": "npm run build && sst-preflight cdk deploy --all",');
    assert.not.ok(existsSync(path.join(dir, "preflight.config.mjs")), "nothing is written before the answer");
    await tty.type("y", true);
    assert.is(await tty.exitCode(), 0);
    assert.match(await tty.screen(), "Wrote package.json, preflight.config.mjs.");
    assert.match(readFileSync(path.join(dir, "package.json"), "utf8"), '"sst-preflight": "^0.1.0"');
    assert.ok(existsSync(path.join(dir, "preflight.config.mjs")));
  } finally {
    await tty.close();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

prompt("no writes nothing", async () => {
  const dir = copyFixture();
  const before = readFileSync(path.join(dir, "package.json"), "utf8");
  const tty = await openTerminal(process.execPath, [CLI, "init"], { cwd: dir, env, rows: 200 });
  try {
    await tty.waitFor(QUESTION);
    await tty.type("", true);
    assert.is(await tty.exitCode(), 1);
    assert.match(await tty.screen(), "Nothing was written.");
    assert.is(readFileSync(path.join(dir, "package.json"), "utf8"), before);
    assert.not.ok(existsSync(path.join(dir, "preflight.config.mjs")));
  } finally {
    await tty.close();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

prompt.run();
