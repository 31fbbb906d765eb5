// Reads the CDK settings files and the wrapped command's flags that name the
// bootstrap: cdk.json in the project, ~/.cdk.json, and options such as
// --toolkit-stack-name. The CDK CLI gives them the precedence argv > cdk.json > ~/.cdk.json.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { homeDir } from "../../plugin/aws/profiles.js";

export interface JsonFile {
  /** Path as shown in messages. */
  label: string;
  data: Record<string, unknown>;
}

export interface CdkSettingsFiles {
  project?: JsonFile;
  user?: JsonFile;
  /** Files that exist but are not valid JSON objects, with the reason. */
  problems: string[];
}

export function readCdkSettings(cwd: string, env: NodeJS.ProcessEnv): CdkSettingsFiles {
  const problems: string[] = [];
  const project = readJsonObject(path.join(cwd, "cdk.json"), "cdk.json", problems);
  const user = readJsonObject(path.join(homeDir(env), ".cdk.json"), "~/.cdk.json", problems);
  return { ...(project ? { project } : {}), ...(user ? { user } : {}), problems };
}

function readJsonObject(file: string, label: string, problems: string[]): JsonFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const data: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (data && typeof data === "object" && !Array.isArray(data)) return { label, data: data as Record<string, unknown> };
    problems.push(`${label} does not hold a JSON object, so its settings were ignored`);
  } catch (error) {
    problems.push(`${label} is not valid JSON (${(error as Error).message}), so its settings were ignored`);
  }
  return undefined;
}

/** Returns a string setting from cdk.json, then ~/.cdk.json, with the file it came from. */
export function cdkSetting(files: CdkSettingsFiles, key: string): { value: string; source: string } | undefined {
  for (const file of [files.project, files.user]) {
    const value = file?.data[key];
    if (typeof value === "string" && value) return { value, source: `${key} in ${file!.label}` };
  }
  return undefined;
}

/** Returns a context value from cdk.json, then ~/.cdk.json. */
export function cdkContext(files: CdkSettingsFiles, key: string): { value: string; source: string } | undefined {
  for (const file of [files.project, files.user]) {
    const context = file?.data.context;
    if (!context || typeof context !== "object") continue;
    const value = (context as Record<string, unknown>)[key];
    if (typeof value === "string" && value) return { value, source: `context "${key}" in ${file!.label}` };
  }
  return undefined;
}

/** Finds `--name value` or `--name=value` (or a short alias) in the wrapped command's arguments. */
export function flagValue(args: string[], names: string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const token = args[index]!;
    for (const name of names) {
      if (token === name) {
        const next = args[index + 1];
        if (next !== undefined && !next.startsWith("-")) return next;
      } else if (token.startsWith(`${name}=`)) {
        return token.slice(name.length + 1);
      }
    }
  }
  return undefined;
}

/** Reads a nested string, such as `cdk.toolkitStackName` of the SST v2 app config. */
export function nestedString(record: Record<string, unknown> | undefined, outer: string, inner: string): string | undefined {
  const value = record?.[outer];
  if (!value || typeof value !== "object") return undefined;
  const nested = (value as Record<string, unknown>)[inner];
  return typeof nested === "string" && nested ? nested : undefined;
}
