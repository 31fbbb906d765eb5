// The hook runner: ordering by `needs`, concurrency, crashes, skips, downgrades
// and the run's time budget.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { AwsClients } from "../plugin/aws/clients.js";
import { overallStatus, runHooks, shouldBlock } from "../plugin/runner/run-hooks.js";
import type { Hook, HookOutcome, PreflightContext } from "../plugin/runner/types.js";
import type { PreflightConfig } from "../plugin/config/schema.js";

function makeContext(config: PreflightConfig = {}, signal = new AbortController().signal): PreflightContext {
  return {
    tool: { name: "cdk", detectedBy: "test" },
    command: "deploy",
    toolArgs: [],
    cwd: process.cwd(),
    env: {},
    stage: undefined,
    region: undefined,
    profile: undefined,
    config,
    configOrigin: "test",
    stageConfig: {},
    interactive: false,
    offline: false,
    flags: { fix: false, yes: false },
    aws: new AwsClients({ requestTimeoutMs: 1000 }),
    changes: { args: [], sstConfig: {}, notes: [] },
    signal,
    awsCallTimeoutMs: 1000,
    log: { debug() {}, info() {}, warn() {} },
    prompt: () => Promise.reject(new Error("not interactive")),
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hook(id: Hook["id"], run: () => Promise<HookOutcome>, needs?: Hook["id"][]): Hook {
  return { id, title: id, ...(needs ? { needs } : {}), run };
}

const pass = (summary = "ok"): HookOutcome => ({ status: "pass", summary });

const runner = suite("runHooks");

runner("crash becomes unknown without hiding others", async () => {
  const results = await runHooks(
    [
      hook("credentials", async () => pass()),
      hook("bootstrap", async () => {
        throw new Error("boom");
      }),
      hook("permissions", async () => ({ status: "fail", summary: "denied" })),
    ],
    makeContext(),
  );
  assert.equal(results.map((result) => result.status), ["pass", "unknown", "fail"]);
  assert.match(results[1]!.summary, "boom");
});

runner("dependent hook is skipped after a failure", async () => {
  let ran = false;
  const results = await runHooks(
    [
      hook("credentials", async () => ({ status: "fail", summary: "no credentials" })),
      hook("account", async () => {
        ran = true;
        return pass();
      }, ["credentials"]),
    ],
    makeContext(),
  );
  assert.is(ran, false);
  assert.is(results[1]!.status, "skip");
  assert.match(results[1]!.summary, "credentials check did not pass");
});

runner("independent hooks run concurrently", async () => {
  const began = performance.now();
  await runHooks(
    [
      hook("bootstrap", async () => (await delay(150), pass())),
      hook("serviceRole", async () => (await delay(150), pass())),
      hook("permissions", async () => (await delay(150), pass())),
    ],
    makeContext(),
  );
  // Three 150 ms hooks in sequence would take 450 ms.
  assert.ok(performance.now() - began < 400);
});

runner("dependent hook waits for its need", async () => {
  const order: string[] = [];
  await runHooks(
    [
      hook("account", async () => (order.push("account"), pass()), ["credentials"]),
      hook("credentials", async () => (await delay(50), order.push("credentials"), pass())),
    ],
    makeContext(),
  );
  assert.equal(order, ["credentials", "account"]);
});

runner("warn setting downgrades a failure", async () => {
  const results = await runHooks([hook("bootstrap", async () => ({ status: "fail", summary: "old" }))], makeContext({ checks: { bootstrap: "warn" } }));
  assert.is(results[0]!.status, "warn");
  assert.is(results[0]!.downgraded, true);
});

runner("off setting skips the hook", async () => {
  let ran = false;
  const results = await runHooks([hook("bootstrap", async () => ((ran = true), pass()))], makeContext({ checks: { bootstrap: "off" } }));
  assert.is(ran, false);
  assert.is(results[0]!.status, "skip");
});

runner("spent budget turns a hanging hook unknown", async () => {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(new Error("the run's time budget of 0.1 s was spent")), 100);
  const results = await runHooks([hook("bootstrap", () => new Promise<HookOutcome>(() => {}))], makeContext({}, budget.signal));
  clearTimeout(timer);
  assert.is(results[0]!.status, "unknown");
  assert.match(results[0]!.summary, "time budget");
});

runner("interrupt is named as such", async () => {
  const interrupt = new AbortController();
  const timer = setTimeout(() => interrupt.abort(new Error("interrupted")), 50);
  const results = await runHooks([hook("bootstrap", () => new Promise<HookOutcome>(() => {}))], makeContext({}, interrupt.signal));
  clearTimeout(timer);
  assert.is(results[0]!.status, "unknown");
  assert.match(results[0]!.summary, "the run was interrupted");
  assert.equal(results[0]!.guidance, []);
});

runner("unmet need can decide the outcome", async () => {
  const guard: Hook = {
    id: "account",
    title: "account",
    needs: ["credentials"],
    whenNeedsUnmet: (_context, unmet) => ({ status: "fail", summary: `guarded: ${unmet.status}` }),
    run: async () => pass(),
  };
  const results = await runHooks([hook("credentials", async () => ({ status: "unknown", summary: "timed out" })), guard], makeContext());
  assert.is(results[1]!.status, "fail");
  assert.is(results[1]!.summary, "guarded: unknown");
});

runner.run();

// ---

const verdict = suite("verdict");

verdict("fail blocks, unknown and warn do not by default", () => {
  const make = (status: HookOutcome["status"]) => ({ id: "bootstrap" as const, title: "b", status, summary: "", details: [], guidance: [], durationMs: 0 });
  assert.is(shouldBlock([make("pass"), make("warn"), make("unknown")]), false);
  assert.is(shouldBlock([make("fail")]), true);
  assert.is(shouldBlock([make("unknown")], "unknown"), true);
  assert.is(shouldBlock([make("warn")], "warn"), true);
  assert.is(overallStatus([make("pass"), make("unknown"), make("warn")]), "unknown");
  assert.is(overallStatus([make("skip")]), "pass");
});

verdict.run();
