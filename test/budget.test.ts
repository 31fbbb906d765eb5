// The run's time budget: it aborts when spent, and a pause stops its clock.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RunBudget } from "../plugin/runner/budget.js";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const budget = suite("RunBudget");

budget("aborts when spent", async () => {
  const run = new RunBudget(0.1);
  await delay(150);
  assert.is(run.signal.aborted, true);
  assert.match(String((run.signal.reason as Error).message), "time budget of 0.1 s");
});

budget("pause stops the clock", async () => {
  const run = new RunBudget(0.1);
  const resume = run.pause();
  await delay(200);
  assert.is(run.signal.aborted, false);
  resume();
  await delay(30);
  assert.is(run.signal.aborted, false, "about 100 ms were left when the pause began");
  await delay(120);
  assert.is(run.signal.aborted, true);
});

budget("nested pauses resume once", async () => {
  const run = new RunBudget(0.05);
  const outer = run.pause();
  const inner = run.pause();
  inner();
  inner();
  await delay(100);
  assert.is(run.signal.aborted, false, "the outer pause still holds the clock");
  outer();
  await delay(100);
  assert.is(run.signal.aborted, true);
});

budget("dispose stops the clock", async () => {
  const run = new RunBudget(0.05);
  run.dispose();
  await delay(100);
  assert.is(run.signal.aborted, false);
});

budget.run();
