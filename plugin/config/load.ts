// Finds and loads the configuration: an explicit --config file, a preflight.config.*
// file in the project, or the "sst-preflight" key of package.json, in that order.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { configError, describeError } from "../errors.js";
import type { PreflightConfig } from "./schema.js";
import { validateConfig } from "./validate.js";

export const CONFIG_FILE_NAMES = [
  "preflight.config.ts",
  "preflight.config.mts",
  "preflight.config.js",
  "preflight.config.mjs",
  "preflight.config.json",
];

const CONFIG_LOAD_TIMEOUT_MS = 15_000;

export interface LoadedConfig {
  config: PreflightConfig;
  /** Source of the configuration, for messages; "defaults" when nothing was found. */
  origin: string;
  file?: string;
}

export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  if (explicitFile) {
    const file = path.resolve(cwd, explicitFile);
    if (!existsSync(file)) {
      throw configError(`Configuration file not found: ${file}`, ["Check the path given to --config."]);
    }
    return { config: validateConfig(await readConfigFile(file), file), origin: file, file };
  }

  const found = CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).filter((file) => existsSync(file));
  if (found.length > 1) {
    // Teammates would edit one file while the checks read the other.
    throw configError(`More than one configuration file in ${cwd}: ${found.map((file) => path.basename(file)).join(", ")}`, [
      `Keep one of them; sst-preflight would read only ${path.basename(found[0]!)}.`,
    ]);
  }
  if (found[0]) {
    const file = found[0];
    return { config: validateConfig(await readConfigFile(file), file), origin: file, file };
  }

  const packageFile = path.join(cwd, "package.json");
  if (existsSync(packageFile)) {
    const manifest = readJson(packageFile);
    const section = (manifest as Record<string, unknown> | null)?.["sst-preflight"];
    if (section !== undefined) {
      const origin = `${packageFile} ("sst-preflight" key)`;
      return { config: validateConfig(section, origin), origin, file: packageFile };
    }
  }

  return { config: validateConfig({}, "defaults"), origin: "defaults" };
}

async function readConfigFile(file: string): Promise<unknown> {
  if (file.endsWith(".json")) return readJson(file);

  let loaded: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    const importing = (async () => {
      if (!/\.m?ts$/.test(file)) return import(pathToFileURL(file).href);
      // jiti compiles TypeScript on the fly, so projects need no build step for this file.
      const { createJiti } = await import("jiti");
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
      return jiti.import(file);
    })();
    // A referenced timer: a top-level await that never settles would otherwise leave
    // nothing to wait for, and the process would end with exit code 0 and no output.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`loading did not finish within ${CONFIG_LOAD_TIMEOUT_MS / 1000} s (a top-level await that never settles?)`)), CONFIG_LOAD_TIMEOUT_MS);
    });
    loaded = await Promise.race([importing, deadline]);
  } catch (error) {
    const hint = timer && /did not finish within/.test(describeError(error))
      ? "Remove the await that never settles, or make it finish, in that file."
      : "Fix the syntax error or the failing import in that file.";
    throw configError(`Could not load ${file}: ${describeError(error)}`, [hint], error);
  } finally {
    clearTimeout(timer);
  }

  const module = loaded as Record<string, unknown> | null;
  const value = module && "default" in module ? module.default : module;
  if (value === undefined) {
    throw configError(`${file} has no default export`, ['Export the configuration: export default defineConfig({ ... })']);
  }
  return value;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw configError(`Could not read ${file}: ${describeError(error)}`, [], error);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw configError(`${file} is not valid JSON: ${describeError(error)}`, ["Fix the JSON syntax in that file."], error);
  }
}

/** Merges configurations; later ones win field by field, and stage entries merge per stage. */
export function mergeConfigs(...configs: Array<PreflightConfig | undefined>): PreflightConfig {
  const merged: PreflightConfig = {};
  for (const config of configs) {
    if (!config) continue;
    const stages = { ...merged.stages };
    for (const [name, stage] of Object.entries(config.stages ?? {})) {
      stages[name] = { ...stages[name], ...stage };
    }
    Object.assign(merged, config, {
      stages,
      checks: { ...merged.checks, ...config.checks },
      credentials: { ...merged.credentials, ...config.credentials },
      permissions: { ...merged.permissions, ...config.permissions },
      bootstrap: { ...merged.bootstrap, ...config.bootstrap },
    });
  }
  return merged;
}
