// Protected stages (`protected: true`): a development session (`sst dev`, `sst start`,
// `cdk watch`, hotswap deploys) is rejected there, and a deploy or removal goes on
// only in CI, after the user types the stage name, or with --yes and --stage.
// These rules run inside the account check. When no identity can be established, that
// check fails a protected stage instead (guardWithoutIdentity), and wrappers reject --offline.
import { isCI } from "../../plugin/runner/session.js";
import type { HookOutcome, PreflightContext } from "../../plugin/runner/types.js";

/** Commands that start a development session, which would redeploy the stage on every save. */
const DEV_COMMANDS = new Set(["dev", "start", "watch"]);
/** CDK flags that turn a deploy into a development session. */
const DEV_FLAGS = ["--watch", "--hotswap", "--hotswap-fallback"];
/** Commands that change or delete the stage's resources. */
const CHANGE_COMMANDS = new Set(["deploy", "remove", "destroy"]);

/** Environment variable that confirms a deploy of the stage it names, for runs without a terminal. */
export const CONFIRM_VARIABLE = "PREFLIGHT_CONFIRM_STAGE";

export function isProtected(context: PreflightContext): boolean {
  return context.stageConfig.protected === true && context.stage !== undefined;
}

function isDevSession(context: PreflightContext): boolean {
  if (DEV_COMMANDS.has(context.command)) return true;
  return context.tool.name === "cdk" && context.toolArgs.some((arg) => DEV_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

function commandLine(context: PreflightContext): string {
  const tool = context.tool.name === "cdk" ? "cdk" : "sst";
  return context.tool.name === "cdk" ? `cdk ${context.toolArgs.join(" ")}`.trim() : `${tool} ${context.command}`;
}

/** Returns a fail outcome when a development session targets a protected stage. */
export function rejectDevSession(context: PreflightContext): HookOutcome | undefined {
  if (!isProtected(context) || !isDevSession(context)) return undefined;
  const stage = context.stage!;
  return {
    status: "fail",
    summary: `stage "${stage.value}" is protected: \`${commandLine(context)}\` is not allowed there`,
    details: [
      `stage from ${stage.source}; protected by stages.${stage.value}.protected in ${context.configOrigin}`,
      "A development session redeploys the stage on every change, so it is rejected on protected stages.",
    ],
    guidance: [
      "Use a personal stage for development: run the same command without --stage, or with --stage <your-name>.",
      `To release to "${stage.value}", run a deploy instead; it asks for confirmation.`,
    ],
    data: { stage: stage.value, protected: true, command: context.command },
  };
}

/**
 * Confirms a deploy or removal of a protected stage, after the account check passed.
 * Returns `passed` with a note on how the run was confirmed, or a fail outcome.
 */
export async function confirmProtectedChange(context: PreflightContext, passed: HookOutcome): Promise<HookOutcome> {
  if (!isProtected(context) || !CHANGE_COMMANDS.has(context.command)) return passed;
  const stage = context.stage!;
  const confirmed = (confirmation: string): HookOutcome => ({
    ...passed,
    details: [...(passed.details ?? []), `stage "${stage.value}" is protected; ${confirmation}`],
    data: { ...passed.data, protected: true, confirmedBy: confirmation },
  });

  if (context.flags.checkOnly) {
    const yes = context.tool.name === "sst-v2" ? "or PREFLIGHT_CONFIRM_STAGE set to the stage, since sst has no --yes" : "or --yes with --stage";
    return confirmed(`\`${context.command}\` will ask to type the stage name (or needs CI, ${yes})`);
  }
  if (isCI(context.env)) return confirmed("confirmed because CI is set");
  if (context.env[CONFIRM_VARIABLE] !== undefined) {
    if (context.env[CONFIRM_VARIABLE] === stage.value) return confirmed(`confirmed by ${CONFIRM_VARIABLE}=${stage.value}`);
    return fail(context, `${CONFIRM_VARIABLE} is "${context.env[CONFIRM_VARIABLE]}", not the stage being deployed, "${stage.value}"`);
  }
  if (context.flags.yes) {
    if (stage.source === "--stage") return confirmed("confirmed by --yes with --stage");
    return fail(context, `--yes confirms a protected stage only when --stage names it; the stage "${stage.value}" came from ${stage.source}`);
  }
  if (!context.interactive) {
    return fail(context, "a deploy of a protected stage needs confirmation, and this run cannot prompt (stdin is not a terminal)");
  }

  const account = context.identity ? ` in account ${context.identity.account}` : "";
  const region = context.region ? ` (${context.region.value})` : "";
  const question = `Stage "${stage.value}" is protected. Type the stage name to ${verb(context)} it${account}${region}: `;
  let answer: string;
  try {
    answer = await context.prompt(question);
  } catch (error) {
    if (context.signal.aborted) throw error;
    return fail(context, `the confirmation prompt failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (answer === stage.value) return confirmed("confirmed by typing the stage name");
  return fail(context, `the typed name "${answer}" does not match the stage "${stage.value}"`);
}

function verb(context: PreflightContext): string {
  return context.command === "deploy" ? "deploy" : "remove";
}

function fail(context: PreflightContext, reason: string): HookOutcome {
  const stage = context.stage!.value;
  return {
    status: "fail",
    summary: `stage "${stage}" is protected and the ${verb(context) === "deploy" ? "deploy" : "removal"} was not confirmed: ${reason}`,
    guidance: [
      "Run it again on a terminal and type the stage name exactly when asked.",
      ...yesExample(context),
      `Or set ${CONFIRM_VARIABLE}=${stage} for this run, or run it in CI, where CI=true confirms it.`,
    ],
    data: { stage, protected: true, command: context.command },
  };
}

/** Returns the wrapper command line that confirms with --yes, for tools whose flags reach the checks. */
function yesExample(context: PreflightContext): string[] {
  const stage = context.stage!.value;
  // SST v2 rejects unknown flags such as --yes, and the checks run inside it.
  if (context.tool.name === "sst-v2") return [];
  if (context.tool.name === "cdk") return [`Or confirm with --yes and --stage: sst-preflight --yes --stage ${stage} ${commandLine(context)}`];
  return [`Or confirm with --yes and --stage: sst-preflight --yes ${context.command} --stage ${stage}`];
}
