// Evaluates an SST v2 app's config() outside SST, for the wrapper: the app's name,
// stage, profile and region live there, and the checks need them.
import { existsSync } from "node:fs";
import path from "node:path";
import { describeError } from "../errors.js";

export interface SstAppSettings {
  stage?: string;
  profile?: string;
  region?: string;
  /** The whole object config() returned. */
  config: Record<string, unknown>;
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
    const jiti = createJiti(path.join(cwd, "package.json"), { moduleCache: false, fsCache: false });
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
    const config = (await (app.config as (input: unknown) => unknown)(input)) as Record<string, unknown> | undefined;
    if (!config || typeof config !== "object") return { problem: "config() returned no object" };
    const text = (key: string) => (typeof config[key] === "string" && config[key] ? (config[key] as string) : undefined);
    const stage = text("stage");
    const profile = text("profile");
    const region = text("region");
    return {
      settings: { config, ...(stage ? { stage } : {}), ...(profile ? { profile } : {}), ...(region ? { region } : {}) },
    };
  } catch (error) {
    return { problem: `could not evaluate ${path.basename(file)}: ${describeError(error)}` };
  }
}
