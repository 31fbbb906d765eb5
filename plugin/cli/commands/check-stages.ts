// `sst-preflight check --all-stages` (or `--stage a,b,c`): one run that checks many
// stages, a few at a time, each with its own regions, and reports them in order.
import { AwsCallCache } from "../../aws/call-cache.js";
import { loadConfig } from "../../config/load.js";
import { usageError } from "../../errors.js";
import { REPORT_VERSION, type JsonReport } from "../../report/json.js";
import { overallStatus } from "../../runner/run-hooks.js";
import type { SessionResult } from "../../runner/session.js";
import type { CheckInput } from "./check.js";

// Stages checked at once. Each stage already runs its own calls in parallel, so more
// stages at a time only queue on the CPU of a small CI machine.
const STAGE_CONCURRENCY = 4;

/** Returns the stages to check when more than one is asked for, or undefined. */
export async function stagesToCheck(input: Pick<CheckInput, "cwd" | "options">): Promise<string[] | undefined> {
  const { options } = input;
  if (options.allStages) {
    if (options.stage) throw usageError("--all-stages and --stage cannot be used together", ["Use --stage a,b,c to check some stages, or --all-stages for every configured one."]);
    const { config, origin } = await loadConfig(input.cwd, options.config);
    const stages = Object.keys(config.stages ?? {}).filter((name) => name !== "*");
    if (stages.length === 0) {
      throw usageError(`--all-stages found no stages in ${origin}`, ['Name the stages under "stages" in the configuration, or pass --stage NAME.']);
    }
    return stages;
  }
  if (!options.stage?.includes(",")) return undefined;
  const stages = options.stage.split(",").map((name) => name.trim());
  if (stages.some((name) => name === "")) throw usageError(`Invalid --stage "${options.stage}"`, ["Separate stage names with commas and no empty names, such as --stage dev,prod."]);
  return [...new Set(stages)];
}

export interface StagesRun {
  runs: Array<{ stage: string; result: SessionResult }>;
  blocked: boolean;
}

/**
 * Runs one session per stage, at most STAGE_CONCURRENCY at a time. Each stage's report
 * is held back until the stages before it are printed, so reports never interleave.
 */
export async function checkStages(input: CheckInput, stages: string[], runChecks: (input: CheckInput) => Promise<SessionResult>): Promise<StagesRun> {
  const write = (text: string) => process.stderr.write(text);
  const buffers: string[][] = stages.map(() => []);
  const done: boolean[] = stages.map(() => false);
  const results: Array<SessionResult | undefined> = stages.map(() => undefined);
  let printed = 0;

  const flush = () => {
    while (printed < stages.length && done[printed]) {
      for (const text of buffers[printed]!) write(text);
      printed++;
    }
  };

  // Stages in one account ask AWS the same questions; each is asked once.
  const callCache = new AwsCallCache();
  let next = 0;
  const worker = async () => {
    while (next < stages.length && !input.signal?.aborted) {
      const index = next++;
      const options = { ...input.options, stage: stages[index]!, json: false };
      results[index] = await runChecks({ ...input, options, callCache, writeHuman: (text) => buffers[index]!.push(text) });
      done[index] = true;
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAGE_CONCURRENCY, stages.length) }, worker));

  const runs = stages.flatMap((stage, index) => (results[index] ? [{ stage, result: results[index]! }] : []));
  const blocked = runs.some((run) => run.result.blocked);
  const blockedStages = runs.filter((run) => run.result.blocked).map((run) => run.stage);
  write(`\n${runs.length} of ${stages.length} stages checked${blockedStages.length ? `; blocked: ${blockedStages.join(", ")}` : "; none blocked"}\n`);

  if (input.options.json) {
    const reports: JsonReport[] = runs.map((run) => run.result.report);
    const document = {
      version: REPORT_VERSION,
      status: overallStatus(runs.flatMap((run) => run.result.results)),
      blocked,
      stages: reports,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  return { runs, blocked };
}
