// The live progress on a real terminal (tmux): while a check runs, its line shows a
// spinner and the elapsed time, and then the result replaces it. With CI set, the same
// terminal gets plain lines only. A loopback proxy in front of moto delays every
// AWS response, so the checks run long enough to be seen.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type IsolatedEnv } from "./harness/env.js";
import { CLI, makeCdkProject, type TempProject } from "./harness/cli-project.js";
import { openTerminal } from "./harness/tmux.js";

const DELAY_MS = 1_500;

interface State {
  moto: MotoServer;
  proxy: Server;
  project: TempProject;
  isolated: IsolatedEnv;
}

/** Forwards every request to moto after DELAY_MS. */
function startDelayingProxy(upstream: URL): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      setTimeout(() => {
        const forwarded = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        forwarded.on("error", (error) => response.writeHead(502).end(error.message));
        forwarded.end(Buffer.concat(chunks));
      }, DELAY_MS);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const terminal = suite<State>("live progress on a terminal");

terminal.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
  state.proxy = await startDelayingProxy(new URL(state.moto.url));
  const port = (state.proxy.address() as AddressInfo).port;
  state.project = makeCdkProject({
    config: { stages: { dev: { accounts: ["222222222222"] } }, checks: { bootstrap: "off", serviceRole: "off", permissions: "off" } },
  });
  state.isolated = makeIsolatedEnv({
    endpoint: `http://127.0.0.1:${port}`,
    vars: { AWS_ACCESS_KEY_ID: "AKIATTYFAKEKEY000001", AWS_SECRET_ACCESS_KEY: "ttyFakeSecret000000000000000000000000000", AWS_REGION: "eu-west-1", NO_COLOR: undefined, TERM: "xterm-256color" },
  });
});

terminal.after(async (state) => {
  await new Promise((resolve) => state.proxy?.close(resolve));
  await state.moto?.stop();
  state.project?.cleanup();
  state.isolated?.cleanup();
});

terminal("running line shows spinner and time", async (state) => {
  const tty = await openTerminal(process.execPath, [CLI, "check", "--stage", "dev"], { cwd: state.project.dir, env: state.isolated.env });
  try {
    const during = await tty.waitFor(/credentials\s+running \d+\.\d s/, 20_000);
    assert.match(during, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] credentials\s+running/m);

    assert.is(await tty.exitCode(), 0);
    const after = await tty.screen();
    assert.match(after, /^✔ credentials/m);
    assert.match(after, /^✔ account/m);
    assert.not.match(after, "running", "the result replaces the running line");

    const raw = tty.raw();
    assert.match(raw, /\u001b\[\d+A/, "the live lines move the cursor up to redraw");
    assert.match(raw, /\u001b\[32m✔\u001b\[39m credentials/, "a terminal gets colours");
    const frames = new Set(raw.match(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g));
    assert.ok(frames.size >= 3, `the spinner turns: ${[...frames].join("")}`);
  } finally {
    await tty.close();
  }
});

terminal("CI gets plain lines on a terminal", async (state) => {
  const tty = await openTerminal(process.execPath, [CLI, "check", "--stage", "dev"], { cwd: state.project.dir, env: { ...state.isolated.env, CI: "true" } });
  try {
    assert.is(await tty.exitCode(), 0);
    const raw = tty.raw();
    assert.match(raw, "✔ credentials");
    assert.not.match(raw, /\u001b/, JSON.stringify(raw));
    assert.not.match(raw, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  } finally {
    await tty.close();
  }
});

terminal("TERM=dumb gets no live lines", async (state) => {
  const tty = await openTerminal(process.execPath, [CLI, "check", "--stage", "dev"], { cwd: state.project.dir, env: { ...state.isolated.env, TERM: "dumb" } });
  try {
    assert.is(await tty.exitCode(), 0);
    const raw = tty.raw();
    assert.not.match(raw, /\u001b\[\d*A/);
    assert.not.match(raw, /\u001b\[3\dm/, "TERM=dumb turns colours off");
    assert.match(raw, "✔ account");
  } finally {
    await tty.close();
  }
});

terminal.run();
