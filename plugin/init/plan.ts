// Plans every change init makes to a project, without writing anything: the
// devDependency and package scripts in package.json, preflight() in an SST v2
// sst.config.ts, and an example preflight.config file.
import path from "node:path";
import { configFileName, renderConfigFile } from "./config-file.js";
import { DEFAULT_FORMAT, detectFormat, renderJson, withEntry } from "./manifest.js";
import type { InitProject } from "./project.js";
import { routeScript, type Binary } from "./scripts.js";
import { pasteInstructions, registerPreflight } from "./sst-config.js";

export interface FileChange {
  /** Path relative to the project folder. */
  file: string;
  /** Content before the change; undefined for a new file. */
  before?: string;
  after: string;
  /** One line per change, such as `script "deploy": sst deploy → sst-preflight deploy`. */
  summary: string[];
}

export interface InitPlan {
  changes: FileChange[];
  /** Steps the user must do by hand, such as lines to paste. */
  manual: string[];
  notes: string[];
}

interface ScriptPolicy {
  binary: Binary;
  /** Commands of the tool that are routed through the wrapper. */
  routed: ReadonlySet<string>;
  /** Scripts added when the project has none of that name. */
  defaults: Record<string, string>;
}

export const PACKAGE_NAME = "sst-preflight";

export function planInit(project: InitProject, version: string): InitPlan {
  const plan: InitPlan = { changes: [], manual: [], notes: [] };
  let hookActive = false;

  if (project.tool === "sst-v2" && project.sstConfigFile) {
    const file = project.sstConfigFile;
    const before = project.sstConfigText ?? "";
    const edit = registerPreflight(before);
    if (edit.kind === "registered") hookActive = true;
    else if (edit.kind === "edited") {
      hookActive = true;
      plan.changes.push({ file, before, after: edit.text, summary: ["import preflight and wrap config with preflight(), so sst runs the checks"] });
    } else {
      plan.manual.push(`${file} was left unchanged because ${edit.reason}.`, ...pasteInstructions(file));
      plan.notes.push(`Until then the package scripts run the checks through the sst-preflight wrapper.`);
    }
  }

  const manifest = planManifest(project, version, policyFor(project.tool, hookActive), plan);
  if (manifest) plan.changes.push(manifest);

  if (!project.existingConfig) {
    const file = configFileName(project.tool, project.typescript);
    const after = renderConfigFile({ tool: project.tool, typescript: project.typescript, stages: project.stages, ...(project.region ? { region: project.region } : {}) });
    const found = project.stages.names.length > 0 ? `stages ${project.stages.names.join(", ")}` : "an example stage";
    plan.changes.push({ file, after, summary: [`example configuration with ${found} and "*" for the others`] });
  } else {
    plan.notes.push(`Kept the existing configuration in ${project.existingConfig}.`);
  }
  return plan;
}

function policyFor(tool: InitProject["tool"], hookActive: boolean): ScriptPolicy {
  switch (tool) {
    case "sst-v1":
      return { binary: "sst", routed: new Set(["start", "deploy", "remove"]), defaults: { start: "sst-preflight start", deploy: "sst-preflight deploy", remove: "sst-preflight remove" } };
    case "sst-v2":
      // With preflight() in sst.config.ts, sst runs the checks itself.
      if (hookActive) return { binary: "sst", routed: new Set(), defaults: { dev: "sst dev", deploy: "sst deploy", remove: "sst remove" } };
      return { binary: "sst", routed: new Set(["dev", "start", "deploy", "remove"]), defaults: { dev: "sst-preflight dev", deploy: "sst-preflight deploy", remove: "sst-preflight remove" } };
    case "sst-v3":
      return { binary: "sst", routed: new Set(["dev", "deploy", "remove"]), defaults: { dev: "sst-preflight dev", deploy: "sst-preflight deploy", remove: "sst-preflight remove" } };
    case "cdk":
      return {
        binary: "cdk",
        routed: new Set(["deploy", "watch", "destroy"]),
        defaults: { deploy: "sst-preflight cdk deploy", dev: "sst-preflight cdk watch", remove: "sst-preflight cdk destroy" },
      };
  }
}

function planManifest(project: InitProject, version: string, policy: ScriptPolicy, plan: InitPlan): FileChange | undefined {
  const summary: string[] = [];
  const original = project.manifest ?? { name: packageNameFor(project.dir), private: true };
  const manifest: Record<string, unknown> = { ...original };

  const scripts = { ...(asRecord(manifest.scripts) as Record<string, unknown>) };
  const covered = new Set<string>();
  for (const [name, script] of Object.entries(scripts)) {
    if (typeof script !== "string") continue;
    const routed = routeScript(script, policy.binary, policy.routed);
    for (const reason of routed.skipped) plan.notes.push(`Script "${name}" was left unchanged: ${reason}.`);
    for (const command of [...routed.commands, ...routed.alreadyRouted]) covered.add(command);
    if (routed.routed === 0) continue;
    scripts[name] = routed.text;
    summary.push(`script "${name}": ${script} → ${routed.text}`);
  }
  for (const [name, command] of Object.entries(policy.defaults)) {
    const existing = scripts[name];
    // Another script, such as "sst:remove", may already run this command through the checks.
    const toolCommand = command.split(" ").at(-1)!;
    if (existing === undefined && covered.has(toolCommand)) continue;
    if (existing === undefined) {
      scripts[name] = command;
      summary.push(`script "${name}": ${command} (new)`);
    } else if (typeof existing === "string" && !runsChecks(existing, policy)) {
      plan.notes.push(`Script "${name}" (${existing}) does not run ${policy.binary} directly; if it deploys, run the deploy through sst-preflight (${command}).`);
    }
  }
  if (summary.length > 0) manifest.scripts = scripts;

  const dependencies = { ...asRecord(manifest.dependencies), ...asRecord(manifest.devDependencies) };
  if (!(PACKAGE_NAME in dependencies)) {
    manifest.devDependencies = withEntry(asRecord(manifest.devDependencies), PACKAGE_NAME, `^${version}`);
    summary.unshift(`devDependency ${PACKAGE_NAME}@^${version}`);
  }

  if (summary.length === 0) return undefined;
  if (!project.manifest) plan.notes.push("Created package.json, because the project had none, to hold the devDependency and the scripts.");
  const format = project.manifestText === undefined ? DEFAULT_FORMAT : detectFormat(project.manifestText);
  return {
    file: "package.json",
    ...(project.manifestText !== undefined ? { before: project.manifestText } : {}),
    after: renderJson(manifest, format),
    summary,
  };
}

/** Whether a script already runs the checks: through the wrapper, or through sst when sst.config.ts registers them. */
function runsChecks(script: string, policy: ScriptPolicy): boolean {
  if (/(^|[\s;&|(])sst-preflight(\s|$)/.test(script)) return true;
  return policy.routed.size === 0 && routeScript(script, policy.binary, new Set(["dev", "start", "deploy", "remove"])).routed > 0;
}

function packageNameFor(dir: string): string {
  const name = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "app";
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
