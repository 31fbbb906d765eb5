// `sst-preflight init [folder]`: sets a project up. It shows every change as a diff
// and asks before writing (--yes writes without asking, --dry-run only shows), and
// running it again changes nothing.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { usageError } from "../../errors.js";
import { decide, writeChanges } from "../../init/apply.js";
import { unifiedDiff } from "../../init/diff.js";
import { installCommand, runScriptCommand } from "../../init/package-manager.js";
import { planInit, type InitPlan } from "../../init/plan.js";
import { readProject, type InitProject } from "../../init/project.js";
import { palette, wantsColor } from "../../report/color.js";
import { promptOnTerminal } from "../../runner/prompt.js";
import { isCI } from "../../runner/session.js";
import type { ExtraCommand } from "../main.js";

const OWN_OPTIONS = new Set(["dry-run", "package-manager"]);

export const run: ExtraCommand = async (input) => {
  const { options } = input;
  for (const name of Object.keys(options.extra)) {
    if (!OWN_OPTIONS.has(name)) throw usageError(`Unknown option --${name} for init`, ["init takes --yes, --dry-run, --package-manager npm|pnpm|yarn and --tool."]);
  }
  if (input.positionals.length > 1) throw usageError(`init takes one folder, got ${input.positionals.length}: ${input.positionals.join(" ")}`);

  const dir = path.resolve(input.cwd, input.positionals[0] ?? ".");
  const packageManager = typeof options.extra["package-manager"] === "string" ? options.extra["package-manager"] : undefined;
  if (options.extra["package-manager"] === true) throw usageError("Option --package-manager needs a value", ["Example: --package-manager pnpm"]);
  const project = readProject(dir, { ...(options.tool ? { tool: options.tool } : {}), ...(packageManager ? { packageManager } : {}) });
  const plan = planInit(project, ownVersion());

  const write = input.write;
  const out = (text: string) => process.stdout.write(text);
  const paint = palette(wantsColor(process.stdout, input.env, options.noColor));
  write(`sst-preflight init: ${project.tool} project in ${dir} (${project.toolDetectedBy}); ${project.packageManager.name} (${project.packageManager.detectedBy})\n`);
  if (project.packageManager.note) write(`  ${project.packageManager.note}\n`);

  if (plan.changes.length === 0) {
    write(plan.manual.length > 0 ? "Nothing more to write; one step is left to do by hand.\n" : "Already set up: nothing to change.\n");
    printNotes(write, plan);
    return 0;
  }

  for (const change of plan.changes) {
    out(`\n${paint.bold(change.before === undefined ? `${change.file} (new file)` : change.file)}\n`);
    for (const line of change.summary) out(`  • ${line}\n`);
    out(unifiedDiff(change.file, change.before, change.after, paint));
  }
  out("\n");
  printNotes(write, plan);

  const interactive = process.stdin.isTTY === true && !isCI(input.env);
  const decision = await decide({
    yes: options.yes === true,
    dryRun: options.extra["dry-run"] === true,
    interactive,
    prompt: (question) => promptOnTerminal(question, { interactive, signal: input.signal }),
  });
  if (decision === "dry-run") {
    write("Dry run: nothing was written.\n");
    return 0;
  }
  if (decision === "declined") {
    write("Nothing was written.\n");
    return 1;
  }
  if (decision === "cannot-ask") {
    write("Nothing was written: init asks before writing, and this run cannot ask (stdin is not a terminal, or CI is set).\n");
    write("  → Run it again with --yes to write these changes, or with --dry-run to only show them.\n");
    return 1;
  }

  const written = writeChanges(dir, plan.changes);
  write(`Wrote ${written.join(", ")}.\n`);
  printNextSteps(write, project, plan);
  return 0;
};

function printNotes(write: (text: string) => void, plan: InitPlan): void {
  for (const note of plan.notes) write(`• ${note}\n`);
  if (plan.manual.length > 0) {
    write("To do by hand:\n");
    for (const line of plan.manual) write(`  ${line}\n`);
  }
}

/**
 * Returns the step that runs the script deploying through the checks: "deploy" when the project has it,
 * else the first script that runs sst-preflight's deploy, such as "deploy:prod".
 */
function deployStep(managerName: Parameters<typeof runScriptCommand>[0], project: InitProject, plan: InitPlan): string {
  const manifestChange = plan.changes.find((change) => change.file === "package.json");
  const text = manifestChange?.after ?? project.manifestText;
  let scripts: Record<string, unknown> = {};
  try {
    const parsed = text ? (JSON.parse(text.replace(/^\uFEFF/, "")) as { scripts?: unknown }) : {};
    if (parsed.scripts && typeof parsed.scripts === "object") scripts = parsed.scripts as Record<string, unknown>;
  } catch {
    // A package.json that does not parse was reported when the plan was made.
  }
  const name = typeof scripts.deploy === "string"
    ? "deploy"
    : Object.keys(scripts).find((key) => typeof scripts[key] === "string" && /sst-preflight\b.*\bdeploy\b/.test(scripts[key] as string));
  if (!name) return "Deploy through the checks: sst-preflight deploy (SST) or sst-preflight cdk deploy (CDK).";
  const args = name === "deploy" ? stageArguments(project, plan) : [];
  return `Deploy; the checks run first: ${runScriptCommand(managerName, name, args)}`;
}

function printNextSteps(write: (text: string) => void, project: InitProject, plan: InitPlan): void {
  const manager = project.packageManager;
  const where = manager.root === project.dir ? "" : ` in ${path.relative(project.dir, manager.root) || "."}`;
  const configFile = plan.changes.find((change) => change.file.startsWith("preflight.config."))?.file;
  const steps = [
    `Install sst-preflight${where}: ${installCommand(manager.name)}`,
    ...(configFile ? [`Fill in the accounts and regions of each stage in ${configFile}.`] : []),
    deployStep(manager.name, project, plan),
  ];
  write("Next:\n");
  steps.forEach((step, index) => write(`  ${index + 1}. ${step}\n`));
}

/** Returns the stage arguments for the example deploy, or none when the deploy script names a stage itself. */
function stageArguments(project: InitProject, plan: InitPlan): string[] {
  const manifest = plan.changes.find((change) => change.file === "package.json")?.after ?? project.manifestText ?? "{}";
  const scripts = (JSON.parse(manifest.replace(/^\uFEFF/, "")) as { scripts?: Record<string, unknown> }).scripts ?? {};
  const deploy = typeof scripts.deploy === "string" ? scripts.deploy : "";
  if (/--stage\b|stage=/.test(deploy)) return [];
  const stage = project.stages.names[0] ?? "dev";
  return project.tool === "cdk" ? ["-c", `stage=${stage}`] : ["--stage", stage];
}

/** Reads this package's version, from dist/ or from the sources run by tsx. */
function ownVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (parsed.name === "sst-preflight" && parsed.version) return parsed.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json of sst-preflight not found");
    dir = parent;
  }
}
