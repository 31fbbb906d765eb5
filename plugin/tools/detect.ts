// Detects which deploy tool a project uses from its files and the installed
// package versions. A `tool` setting or --tool flag overrides the detection.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ToolName } from "../config/schema.js";
import { usageError } from "../errors.js";
import type { ToolInfo } from "../runner/types.js";

/** Returns whether an sst.config.ts source is an SST v3/v4 app, which calls `$config()`. */
export function usesSstV3Config(source: string): boolean {
  return /\$config\s*\(/.test(source);
}

export function detectTool(cwd: string, forced?: ToolName): ToolInfo {
  if (forced) {
    const version = installedVersion(cwd, packageOf(forced));
    return { name: forced, ...(version ? { version } : {}), detectedBy: "set in the configuration or by --tool" };
  }

  const sstConfig = ["sst.config.ts", "sst.config.mjs", "sst.config.js"].find((name) => existsSync(path.join(cwd, name)));
  if (sstConfig) {
    const version = installedVersion(cwd, "sst");
    const source = safeRead(path.join(cwd, sstConfig));
    const major = version ? Number.parseInt(version, 10) : undefined;
    if (major !== undefined && major >= 3) return { name: "sst-v3", version: version!, detectedBy: `${sstConfig} and sst@${version}` };
    if (major === 2) return { name: "sst-v2", version: version!, detectedBy: `${sstConfig} and sst@${version}` };
    // Without an installed package, the config's shape distinguishes the generations.
    if (usesSstV3Config(source)) return { name: "sst-v3", detectedBy: `${sstConfig} uses $config()` };
    return { name: "sst-v2", detectedBy: `${sstConfig} without $config() (sst is not installed)` };
  }

  if (existsSync(path.join(cwd, "sst.json"))) {
    const version = installedVersion(cwd, "@serverless-stack/cli");
    return { name: "sst-v1", ...(version ? { version } : {}), detectedBy: "sst.json" };
  }

  if (existsSync(path.join(cwd, "cdk.json"))) {
    const version = installedVersion(cwd, "aws-cdk");
    return { name: "cdk", ...(version ? { version } : {}), detectedBy: "cdk.json" };
  }

  throw usageError(`No SST or CDK project found in ${cwd}`, [
    "Run sst-preflight in the folder that holds sst.config.ts, sst.json or cdk.json,",
    "or set the tool with --tool sst-v1|sst-v2|sst-v3|cdk.",
  ]);
}

function packageOf(tool: ToolName): string {
  if (tool === "sst-v1") return "@serverless-stack/cli";
  if (tool === "cdk") return "aws-cdk";
  return "sst";
}

/** Reads the version of a package installed in the project or a parent folder's node_modules. */
export function installedVersion(cwd: string, name: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const manifest = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
        return typeof parsed.version === "string" ? parsed.version : undefined;
      } catch {
        return undefined;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
