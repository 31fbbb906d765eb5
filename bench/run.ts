// The benchmark, run with `npm run bench`. It compares `sst-preflight check --json`, with
// every check on against moto on loopback, to a plain SDK script that only calls
// GetCallerIdentity. It also measures the time to the first byte of a wrapped tool,
// 10 stages x 3 regions against one target, AWS requests per check, and the install size.
// BENCH_RUNS sets the samples per command (default 9, at least 7 for the results page);
// BENCH_SKIP_INSTALL=1 skips the install size, which needs npm and its cache.
// BENCH_COMPARE_CLI=/path/to/dist/plugin/cli/main.js adds that build's check to the
// alternation, such as a build of an earlier commit, to measure a change.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, makeCdkProject, type TempProject } from "../test/harness/cli-project.js";
import { seedDeployTarget, TARGET } from "../test/harness/deploy-target.js";
import { makeIsolatedEnv } from "../test/harness/env.js";
import { startIamStub } from "../test/harness/iam-stub.js";
import { startMoto } from "../test/harness/moto.js";
import { REPO_ROOT } from "../test/harness/sst-app.js";
import { measureInstallSize, npmIsBusy, type InstallSize } from "./install-size.js";
import { hasGnuTime, median, runTimed, summarize, timeToFirstByte, type Command, type Sample } from "./measure.js";
import { formatResults } from "./report.js";
import { countRequests, subtractCounts, type RequestCount } from "./requests.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const COMPARE_CLI = process.env.BENCH_COMPARE_CLI;
const REGIONS = ["us-east-1", "eu-west-1", "us-west-2"];
const STAGES = Array.from({ length: 10 }, (_, index) => `stage${String(index + 1).padStart(2, "0")}`);
const CHECK_IDS = ["account", "bootstrap", "serviceRole", "permissions"];
// A wrapped tool that writes one byte at once, so the wrapper's own delay is measured.
const FAKE_TOOL = "#!/bin/sh\nprintf x\n";

const multiStageConfig = {
  ...TARGET.config,
  stages: Object.fromEntries(STAGES.map((stage) => [stage, { ...TARGET.config.stages.dev, regions: REGIONS }])),
  bootstrap: { regions: REGIONS.slice(1) },
};

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`);
  const loadAtStart = os.loadavg()[0]?.toFixed(2);
  if (!hasGnuTime()) console.error("GNU time (/usr/bin/time) is missing, so peak memory is not measured; install it with apt-get install time.");
  const moto = await startMoto();
  const stub = await startIamStub({ upstreamUrl: moto.url, simulation: { defaultDecision: "allowed" } });
  const projects: TempProject[] = [];
  const project = (config: unknown, bin?: Record<string, string>) => {
    const created = makeCdkProject({ config, ...(bin ? { bin } : {}) });
    projects.push(created);
    return created.dir;
  };

  try {
    await seedDeployTarget(moto, REGIONS);
    const isolated = makeIsolatedEnv({ endpoint: stub.url, vars: TARGET.vars });
    const env = isolated.env;
    const single = project(TARGET.config);
    const node = (cwd: string, args: string[]): Command => ({ file: process.execPath, args, cwd, env });
    const commands = {
      plain: node(single, [path.join(REPO_ROOT, "bench", "plain-sts.mjs")]),
      check: node(single, [CLI, "check", "--json", "--stage", TARGET.stage]),
      wrapper: node(project(TARGET.config, { cdk: FAKE_TOOL }), [CLI, "cdk", "deploy", "-c", `stage=${TARGET.stage}`]),
      multi: node(project(multiStageConfig), [CLI, "check", "--json", "--all-stages"]),
      compare: COMPARE_CLI ? node(single, [COMPARE_CLI, "check", "--json", "--stage", TARGET.stage]) : undefined,
    };

    console.error(`warming up, then ${RUNS} alternating rounds ...`);
    for (const command of Object.values(commands)) if (command) await runTimed(command);
    const samples: Record<"plain" | "check" | "multi" | "compare", Sample[]> = { plain: [], check: [], multi: [], compare: [] };
    const firstBytes: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      for (const name of ["plain", "check", "multi", "compare"] as const) {
        const command = commands[name];
        if (!command) continue;
        const sample = await runTimed(command);
        if (sample.exitCode !== 0) throw new Error(`${name} exited with ${sample.exitCode}; run it by hand: node ${command.args.join(" ")}`);
        samples[name].push(sample);
        // The wrapper runs right after the check, so that each pair meets the same load.
        if (name === "check") firstBytes.push((await timeToFirstByte(commands.wrapper)).firstByteMs);
      }
    }
    const wrapperOverCheck = firstBytes.map((firstByte, index) => firstByte - samples.check[index]!.wallMs);

    const requests = await requestsPerCheck(moto, stub, single, env);
    const multiRequests = await countRequests(moto, stub, () => runTimed(commands.multi));
    let install: InstallSize | string;
    if (process.env.BENCH_SKIP_INSTALL === "1") install = "skipped (BENCH_SKIP_INSTALL=1)";
    else if (npmIsBusy()) install = "skipped: another npm install was running";
    else install = measureInstallSize(REPO_ROOT);
    isolated.cleanup();

    const results = {
      date: new Date().toISOString(),
      machine: { ...machineFacts(), loadAverageAtStart: loadAtStart },
      runs: RUNS,
      plain: summarize(samples.plain),
      check: summarize(samples.check),
      wrapperFirstByteMs: median(firstBytes),
      wrapperOverCheckMs: median(wrapperOverCheck),
      multi: { ...summarize(samples.multi), stages: STAGES.length, regions: REGIONS.length },
      ...(COMPARE_CLI ? { compare: { cli: COMPARE_CLI, ...summarize(samples.compare) } } : {}),
      requests,
      multiRequests: multiRequests.total,
      install,
    };
    const file = path.join(REPO_ROOT, "bench", "results", "latest.json");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(formatResults(results));
    console.error(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    for (const made of projects) made.cleanup();
    await stub.stop();
    await moto.stop();
  }
}

/** Counts the requests of each check: a run with credentials and that check, minus a run with credentials alone. */
async function requestsPerCheck(moto: Awaited<ReturnType<typeof startMoto>>, stub: Awaited<ReturnType<typeof startIamStub>>, cwd: string, env: Record<string, string>) {
  const only = (id?: string) => Object.fromEntries(CHECK_IDS.map((check) => [check, check === id ? "on" : "off"]));
  const runWith = (checks: Record<string, string>): Promise<RequestCount> => {
    const dir = makeCdkProject({ config: { ...TARGET.config, checks } });
    const command = { file: process.execPath, args: [CLI, "check", "--json", "--stage", TARGET.stage], cwd: dir.dir, env };
    return countRequests(moto, stub, () => runTimed(command)).finally(() => dir.cleanup());
  };
  const credentialsOnly = await runWith(only());
  const perCheck: Record<string, RequestCount> = { credentials: credentialsOnly };
  for (const id of CHECK_IDS) perCheck[id] = subtractCounts(await runWith(only(id)), credentialsOnly);
  const all = await countRequests(moto, stub, () => runTimed({ file: process.execPath, args: [CLI, "check", "--json", "--stage", TARGET.stage], cwd, env }));
  return { perCheck, all };
}

function machineFacts() {
  const cpus = os.cpus();
  let moto = "unknown";
  try {
    moto = execFileSync("python3", ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" }).trim();
  } catch {
    // moto_server runs from another Python; its version is then not reported.
  }
  const load = os.loadavg()[0]?.toFixed(2);
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version, moto, loadAverageAtEnd: load };
}

await main();
