// Evaluates an SST v2 app's config() outside SST, for the wrapper: the app's name,
// stage, profile and region live there, and the checks need them.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { configError, describeError } from "../errors.js";
import { usesSstV3Config } from "./detect.js";

// The same symbol as CAPTURE_KEY in plugin/sst/preflight.ts; Symbol.for makes it shared
// with the copy of sst-preflight that the app's sst.config.ts imports.
const CAPTURE_KEY = Symbol.for("sst-preflight.capture");

export interface SstAppSettings {
  stage?: string;
  profile?: string;
  region?: string;
  /** The whole object config() returned. */
  config: Record<string, unknown>;
  /** The options passed to preflight(), when config() is wrapped by it. */
  inlineOptions?: Record<string, unknown>;
}

/**
 * Loads sst.config.ts with jiti and calls its config() with the argv SST would pass.
 * Returns undefined, with the reason, when the file cannot be loaded or config() fails.
 */
export async function readSstAppConfig(
  cwd: string,
  argv: { command: string; stage?: string; profile?: string; region?: string },
): Promise<{ settings?: SstAppSettings; problem?: string }> {
  const file = ["sst.config.ts", "sst.config.mjs", "sst.config.js"].map((name) => path.join(cwd, name)).find(existsSync);
  if (!file) return { problem: "no sst.config.ts found" };

  try {
    const { createJiti } = await import("jiti");
    // The module cache makes a second evaluation (one per stage of --all-stages) cheap.
    const jiti = createJiti(path.join(cwd, "package.json"), { fsCache: false });
    const loaded = (await jiti.import(file)) as { default?: { config?: unknown } } | undefined;
    const app = loaded?.default ?? (loaded as { config?: unknown } | undefined);
    if (!app || typeof app.config !== "function") return { problem: `${path.basename(file)} has no config() in its default export` };

    const input = {
      _: [argv.command],
      ...(argv.stage ? { stage: argv.stage } : {}),
      ...(argv.profile ? { profile: argv.profile } : {}),
      ...(argv.region ? { region: argv.region } : {}),
      $0: "sst",
    };
    const slots = globalThis as unknown as Record<symbol, { options?: Record<string, unknown> } | undefined>;
    const capture: { options?: Record<string, unknown> } = {};
    slots[CAPTURE_KEY] = capture;
    let config: Record<string, unknown> | undefined;
    try {
      config = (await (app.config as (input: unknown) => unknown)(input)) as Record<string, unknown> | undefined;
    } finally {
      delete slots[CAPTURE_KEY];
    }
    if (!config || typeof config !== "object") return { problem: "config() returned no object" };
    const text = (key: string) => (typeof config[key] === "string" && config[key] ? (config[key] as string) : undefined);
    const stage = text("stage");
    const profile = text("profile");
    const region = text("region");
    return {
      settings: {
        config,
        ...(capture.options ? { inlineOptions: capture.options } : {}),
        ...(stage ? { stage } : {}),
        ...(profile ? { profile } : {}),
        ...(region ? { region } : {}),
      },
    };
  } catch (error) {
    return { problem: `could not evaluate ${path.basename(file)}: ${describeError(error)}` };
  }
}

/** Returns whether the project has an SST v2 sst.config.ts (one without `$config`, which is SST v3). */
export function isSstV2Config(cwd: string): boolean {
  const file = path.join(cwd, "sst.config.ts");
  return existsSync(file) && !usesSstV3Config(readFileSync(file, "utf8"));
}

/** Returns whether an SST v2 app registers the checks in its sst.config.ts. */
export function usesPreflightInSstConfig(cwd: string): boolean {
  for (const name of ["sst.config.ts", "sst.config.mjs", "sst.config.js"]) {
    const file = path.join(cwd, name);
    if (!existsSync(file)) continue;
    const source = readFileSync(file, "utf8");
    return /from\s+["']sst-preflight["']/.test(source) && /\bpreflight\s*\(/.test(source);
  }
  return false;
}

export interface SstV2Project {
  project: { stage?: string; profile?: string; region?: string; origin: string };
  appConfig: Record<string, unknown>;
  inlineOptions?: Record<string, unknown>;
}

/**
 * Evaluates an SST v2 app's config() for a run outside SST. Returns undefined for other
 * projects. Throws when sst.config.ts calls preflight() but cannot be evaluated, because
 * the checks would then run without the options the team configured there.
 */
export async function readSstV2Project(
  cwd: string,
  argv: { command: string; stage?: string; profile?: string; region?: string },
): Promise<SstV2Project | undefined> {
  if (!isSstV2Config(cwd)) return undefined;
  const result = await readSstAppConfig(cwd, argv);
  if (!result.settings) {
    if (!usesPreflightInSstConfig(cwd)) return undefined;
    throw configError(`Could not read the options passed to preflight() in sst.config.ts: ${result.problem}`, [
      "Fix the error above, or move the options to preflight.config.ts, which every command reads.",
    ]);
  }
  const { settings } = result;
  return {
    project: {
      origin: "sst.config.ts",
      ...(settings.stage ? { stage: settings.stage } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.region ? { region: settings.region } : {}),
    },
    appConfig: settings.config,
    ...(settings.inlineOptions ? { inlineOptions: settings.inlineOptions } : {}),
  };
}
