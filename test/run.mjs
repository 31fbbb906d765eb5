// Runs every test/**/*.test.ts file (except test/harness and test/fixtures) in its own process with
// `node --import tsx FILE`, a few at a time, and sums the totals that uvu prints.
//
// Usage: node test/run.mjs [SUBSTRING...]
//   SUBSTRING                   runs only files whose path relative to the repository contains it
//   TEST_FILE_TIMEOUT_SECONDS   per-file time limit in seconds, default 300
//   TEST_CONCURRENCY            files run at the same time, default 2
//
// The last line of the output is `N passed, N failed` (with `, N skipped` when any were skipped).
// A file that crashes, exits non-zero after its tests passed, or times out counts as one failed
// test. The exit code is 1 when any test failed or no test ran.

import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const testRoot = join(repoRoot, "test");
const EXCLUDED_DIRECTORIES = new Set([join(testRoot, "harness"), join(testRoot, "fixtures")]);

const DEFAULT_TIMEOUT_SECONDS = 300;
// Test files start emulators and CLIs that each keep a core busy, so more parallel files mostly
// add timeouts. Raise TEST_CONCURRENCY on machines with more cores.
const DEFAULT_CONCURRENCY = 2;
// Time between SIGTERM and SIGKILL for a timed-out file, and the wait for its output to close.
const KILL_GRACE_MS = 5_000;
const OUTPUT_CLOSE_WAIT_MS = 2_000;

function readPositiveNumber(name, fallback, { integer }) {
  const text = process.env[name];
  if (text === undefined || text === "") {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    console.error(`${name} must be a positive ${integer ? "integer" : "number"}, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

function findTestFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!EXCLUDED_DIRECTORIES.has(path) && entry.name !== "node_modules") {
        files.push(...findTestFiles(path));
      }
    } else if (entry.isFile() && entry.name.endsWith(".test.ts")) {
      files.push(path);
    }
  }
  return files;
}

// Matches the summary that uvu 0.5 `exec()` writes at the end of a run:
// `Total:`, `Passed:`, `Skipped:` and `Duration:`, each on its own line.
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

function sumMatches(text, label) {
  let sum = 0;
  let found = false;
  for (const match of text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, "gm"))) {
    sum += Number(match[1]);
    found = true;
  }
  return found ? sum : undefined;
}

/**
 * Returns the totals uvu printed, or undefined when it printed none. uvu prints one summary per
 * `exec()`, which normally runs once per process, so several summaries are added up.
 */
function parseTotals(output) {
  const text = output.replace(ANSI_ESCAPE, "");
  const total = sumMatches(text, "Total");
  const passed = sumMatches(text, "Passed");
  if (total === undefined || passed === undefined) {
    return undefined;
  }
  const skipped = sumMatches(text, "Skipped") ?? 0;
  return { passed, failed: Math.max(total - passed, 0), skipped };
}

/** Sends `signal` to the whole process group led by `pid`. Returns false when the group is gone. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

const activeGroups = new Set();

function runFile(file, timeoutMs) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    // Its own process group, so a timeout can kill the file together with every process it started.
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));

    let timedOut = false;
    let spawnError;
    let killTimer;
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
    }, timeoutMs);
    if (child.pid !== undefined) {
      activeGroups.add(child.pid);
    }

    let exit;
    let finished = false;
    const finish = () => {
      if (finished) {
        return;
      }
      finished = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      activeGroups.delete(child.pid);
      resolvePromise({
        file,
        output: Buffer.concat(chunks).toString("utf8"),
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        spawnError,
        seconds: (Date.now() - started) / 1000,
      });
    };

    child.on("error", (error) => {
      spawnError = error;
      finish();
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Nothing a test file starts may outlive it, and a survivor holding the output pipe would
      // keep "close" from firing.
      if (child.pid !== undefined) {
        signalGroup(child.pid, "SIGKILL");
      }
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, OUTPUT_CLOSE_WAIT_MS).unref();
    });
    child.on("close", finish);
  });
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * Classifies one finished file and returns its counts, the number of tests uvu reported as run,
 * and a one-line summary.
 */
function assess(result) {
  const totals = parseTotals(result.output);
  const duration = `(${result.seconds.toFixed(1)} s)`;
  const counts = { ...(totals ?? { passed: 0, failed: 0, skipped: 0 }), testsRan: totals === undefined ? 0 : totals.passed + totals.failed };
  const countText = `${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ""}`;
  const exitText = result.signal === null ? `exit code ${result.exitCode}` : `signal ${result.signal}`;

  if (result.spawnError !== undefined) {
    return { ...counts, failed: counts.failed + 1, ok: false, line: `CRASH   ${result.file}  could not start: ${result.spawnError.message}` };
  }
  if (result.timedOut) {
    return {
      ...counts,
      failed: counts.failed + 1,
      ok: false,
      line: `TIMEOUT ${result.file}  killed after ${result.seconds.toFixed(0)} s, counted as 1 failed test`,
    };
  }
  if (totals === undefined) {
    return {
      ...counts,
      failed: 1,
      ok: false,
      line: `CRASH   ${result.file}  ${exitText} before uvu printed totals, counted as 1 failed test ${duration}`,
    };
  }
  if (totals.failed > 0) {
    return { ...counts, ok: false, line: `FAIL    ${result.file}  ${countText} ${duration}` };
  }
  if (result.exitCode !== 0) {
    return {
      ...counts,
      failed: counts.failed + 1,
      ok: false,
      line: `CRASH   ${result.file}  ${countText}, then ${exitText}, counted as 1 failed test ${duration}`,
    };
  }
  return { ...counts, ok: true, line: `PASS    ${result.file}  ${countText} ${duration}` };
}

async function main() {
  const timeoutSeconds = readPositiveNumber("TEST_FILE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS, { integer: false });
  const concurrency = readPositiveNumber("TEST_CONCURRENCY", DEFAULT_CONCURRENCY, { integer: true });
  const filters = process.argv.slice(2);

  const files = findTestFiles(testRoot)
    .map((path) => relative(repoRoot, path).split(sep).join("/"))
    .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
    .sort();

  const stopAll = (signal) => {
    for (const pid of activeGroups) {
      signalGroup(pid, "SIGKILL");
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGTERM", () => stopAll("SIGTERM"));

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let testsRan = 0;

  if (files.length === 0) {
    const where = filters.length === 0 ? "" : ` matching ${filters.map((filter) => JSON.stringify(filter)).join(" or ")}`;
    console.log(`No test files found under test/${where}.`);
  } else {
    console.log(`Running ${plural(files.length, "test file")}, ${concurrency} at a time, ${timeoutSeconds} s limit per file`);
  }

  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const result = await runFile(file, timeoutSeconds * 1000);
      const assessment = assess(result);
      passed += assessment.passed;
      failed += assessment.failed;
      skipped += assessment.skipped;
      testsRan += assessment.testsRan;

      console.log(assessment.line);
      if (!assessment.ok) {
        console.log(`----- output of ${result.file} -----`);
        if (result.output === "") {
          console.log("(no output)");
        } else {
          process.stdout.write(result.output.endsWith("\n") ? result.output : `${result.output}\n`);
        }
        console.log(`----- end of output of ${result.file} -----`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(files.length, 1)) }, worker));

  if (testsRan === 0) {
    console.log("No tests ran.");
  }
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
  process.exit(failed > 0 || testsRan === 0 ? 1 : 0);
}

await main();
