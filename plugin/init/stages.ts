// Finds the stage names a project already uses, for the example configuration:
// `--stage NAME` or `-c stage=NAME` in package scripts and GitHub workflows, the
// `stage` of sst.json, and the personal stage SST keeps in .sst/stage.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface FoundStages {
  /** Stage names in the order found, without duplicates. */
  names: string[];
  /** First place each name was seen, such as `script "deploy:prod" in package.json`. */
  sources: Record<string, string>;
  /** The personal stage from .sst/stage, which the "*" entry covers. */
  personal?: string;
}

const STAGE_PATTERNS = [/--stage[= ]+["']?([A-Za-z0-9][A-Za-z0-9_-]*)/g, /-c[= ]+["']?stage=([A-Za-z0-9][A-Za-z0-9_-]*)/g, /\bSST_STAGE=["']?([A-Za-z0-9][A-Za-z0-9_-]*)/g];
const MAX_WORKFLOW_BYTES = 256 * 1024;

export function findStages(cwd: string, scripts: Record<string, unknown>): FoundStages {
  const found: FoundStages = { names: [], sources: {} };
  const add = (name: string, source: string) => {
    if (found.sources[name]) return;
    found.names.push(name);
    found.sources[name] = source;
  };

  for (const [name, script] of Object.entries(scripts)) {
    if (typeof script !== "string") continue;
    for (const stage of matchStages(script)) add(stage, `script "${name}" in package.json`);
  }

  const workflows = path.join(cwd, ".github", "workflows");
  for (const file of listFiles(workflows, /\.ya?ml$/)) {
    const text = readSmallFile(path.join(workflows, file));
    if (text === undefined) continue;
    for (const stage of matchStages(text)) add(stage, `.github/workflows/${file}`);
  }

  const sstJson = readSmallFile(path.join(cwd, "sst.json"));
  if (sstJson) {
    try {
      const parsed = JSON.parse(sstJson) as { stage?: unknown };
      if (typeof parsed.stage === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(parsed.stage)) add(parsed.stage, "sst.json");
    } catch {
      // A broken sst.json is reported by the checks, not by init.
    }
  }

  const personal = readSmallFile(path.join(cwd, ".sst", "stage"))?.trim();
  if (personal && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(personal)) found.personal = personal;
  return found;
}

function matchStages(text: string): string[] {
  const names: string[] = [];
  for (const pattern of STAGE_PATTERNS) {
    for (const match of text.matchAll(pattern)) names.push(match[1]!);
  }
  return names;
}

function listFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).filter((name) => pattern.test(name)).sort();
  } catch {
    return [];
  }
}

function readSmallFile(file: string): string | undefined {
  try {
    const text = readFileSync(file, "utf8");
    return text.length > MAX_WORKFLOW_BYTES ? text.slice(0, MAX_WORKFLOW_BYTES) : text;
  } catch {
    return undefined;
  }
}
