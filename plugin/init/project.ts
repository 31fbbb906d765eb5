// Reads what init needs to know about a project: the tool (from its files, the
// installed package or the dependency range in package.json), package.json, an
// existing sst-preflight configuration, TypeScript, a region and the stages in use.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE_NAMES } from "../config/load.js";
import type { ToolName } from "../config/schema.js";
import { configError, usageError } from "../errors.js";
import { installedVersion, usesSstV3Config } from "../tools/detect.js";
import { detectPackageManager, type PackageManager } from "./package-manager.js";
import { findStages, type FoundStages } from "./stages.js";
import { matchBrackets, significant, tokenize } from "./tokenize.js";

export interface InitProject {
  dir: string;
  tool: ToolName;
  toolDetectedBy: string;
  /** package.json as read, or undefined when the project has none (a Python CDK app). */
  manifestText?: string;
  manifest?: Record<string, unknown>;
  /** sst.config.* file name for SST v2 and v3. */
  sstConfigFile?: string;
  sstConfigText?: string;
  typescript: boolean;
  /** Location of an existing configuration, such as "preflight.config.ts". */
  existingConfig?: string;
  region?: string;
  packageManager: PackageManager;
  stages: FoundStages;
}

const SST_CONFIG_FILES = ["sst.config.ts", "sst.config.mjs", "sst.config.js"];
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function readProject(dir: string, options: { tool?: ToolName; packageManager?: string } = {}): InitProject {
  if (!existsSync(dir)) throw usageError(`Folder not found: ${dir}`, ["Run sst-preflight init in the project folder, or pass the folder: sst-preflight init path/to/app"]);
  const manifestFile = path.join(dir, "package.json");
  const manifestText = existsSync(manifestFile) ? readFileSync(manifestFile, "utf8") : undefined;
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText, manifestFile);
  const sstConfigFile = SST_CONFIG_FILES.find((name) => existsSync(path.join(dir, name)));
  const sstConfigText = sstConfigFile ? readFileSync(path.join(dir, sstConfigFile), "utf8") : undefined;
  const { tool, detectedBy } = options.tool ? { tool: options.tool, detectedBy: "--tool" } : detectProjectTool(dir, manifest, sstConfigFile, sstConfigText);

  const scripts = isRecord(manifest?.scripts) ? manifest.scripts : {};
  const dependencies = { ...asRecord(manifest?.dependencies), ...asRecord(manifest?.devDependencies) };
  const existingConfig =
    CONFIG_FILE_NAMES.find((name) => existsSync(path.join(dir, name))) ??
    (manifest && "sst-preflight" in manifest ? 'the "sst-preflight" key of package.json' : undefined) ??
    (sstConfigText && hasInlineOptions(sstConfigText) ? `the options of preflight() in ${sstConfigFile}` : undefined);
  const region = findRegion(dir, tool, sstConfigText);

  return {
    dir,
    tool,
    toolDetectedBy: detectedBy,
    ...(manifestText !== undefined ? { manifestText } : {}),
    ...(manifest ? { manifest } : {}),
    ...(sstConfigFile && sstConfigText !== undefined && (tool === "sst-v2" || tool === "sst-v3") ? { sstConfigFile, sstConfigText } : {}),
    typescript: existsSync(path.join(dir, "tsconfig.json")) || "typescript" in dependencies || sstConfigFile === "sst.config.ts",
    ...(existingConfig ? { existingConfig } : {}),
    ...(region ? { region } : {}),
    packageManager: detectPackageManager(dir, manifest, options.packageManager),
    stages: findStages(dir, scripts),
  };
}

function detectProjectTool(
  dir: string,
  manifest: Record<string, unknown> | undefined,
  sstConfigFile: string | undefined,
  sstConfigText: string | undefined,
): { tool: ToolName; detectedBy: string } {
  if (sstConfigFile) {
    const installed = installedVersion(dir, "sst");
    const declared = dependencyRange(manifest, "sst");
    const major = majorOf(installed) ?? majorOf(declared);
    if (major !== undefined && major >= 3) return { tool: "sst-v3", detectedBy: `${sstConfigFile} and sst ${installed ?? declared}` };
    if (major === 2) return { tool: "sst-v2", detectedBy: `${sstConfigFile} and sst ${installed ?? declared}` };
    if (sstConfigText && usesSstV3Config(sstConfigText)) return { tool: "sst-v3", detectedBy: `${sstConfigFile} uses $config()` };
    return { tool: "sst-v2", detectedBy: `${sstConfigFile} without $config()` };
  }
  if (existsSync(path.join(dir, "sst.json"))) return { tool: "sst-v1", detectedBy: "sst.json" };
  if (existsSync(path.join(dir, "cdk.json"))) return { tool: "cdk", detectedBy: "cdk.json" };
  throw usageError(`No SST or CDK project found in ${dir}`, [
    "Run sst-preflight init in the folder that holds sst.config.ts, sst.json or cdk.json,",
    "or name the tool with --tool sst-v1|sst-v2|sst-v3|cdk.",
  ]);
}

function parseManifest(text: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw configError(`${file} is not valid JSON: ${(error as Error).message}`, ["Fix the JSON syntax, then run init again; init changes nothing until then."]);
  }
  if (!isRecord(parsed)) throw configError(`${file} does not contain a JSON object`, ["A package.json must be a JSON object."]);
  return parsed;
}

/** Returns whether preflight() is called with a second argument, the inline options. */
function hasInlineOptions(source: string): boolean {
  try {
    const tokens = significant(tokenize(source));
    const pairs = matchBrackets(tokens);
    for (let index = 0; index < tokens.length; index++) {
      if (tokens[index]!.text !== "preflight" || tokens[index + 1]?.text !== "(") continue;
      const close = pairs.get(index + 1)!;
      for (let cursor = index + 2; cursor < close; cursor = (pairs.get(cursor) ?? cursor) + 1) {
        if (tokens[cursor]!.text === "," && cursor + 1 < close) return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}

/** Finds the region the app names, for the example configuration only. */
function findRegion(dir: string, tool: ToolName, sstConfigText: string | undefined): string | undefined {
  if (tool === "sst-v1") {
    try {
      const parsed = JSON.parse(readFileSync(path.join(dir, "sst.json"), "utf8")) as { region?: unknown };
      return typeof parsed.region === "string" && REGION.test(parsed.region) ? parsed.region : undefined;
    } catch {
      return undefined;
    }
  }
  if (!sstConfigText) return undefined;
  try {
    const tokens = significant(tokenize(sstConfigText));
    for (let index = 0; index + 2 < tokens.length; index++) {
      if (tokens[index]!.text !== "region" || tokens[index + 1]!.text !== ":" || tokens[index + 2]!.kind !== "string") continue;
      const value = tokens[index + 2]!.text.slice(1, -1);
      if (REGION.test(value)) return value;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function dependencyRange(manifest: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const field of ["devDependencies", "dependencies"]) {
    const value = asRecord(manifest?.[field])[name];
    if (typeof value === "string") return value;
  }
  return undefined;
}

function majorOf(version: string | undefined): number | undefined {
  const match = version?.match(/(\d+)/);
  return match ? Number(match[1]) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
