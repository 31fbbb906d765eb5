// Finds the SSTBootstrap version the installed SST v2 deploys. SST keeps it in a
// constant of its bootstrap module (LATEST_VERSION in sst/bootstrap.js), which moved
// from 7.3 (sst@2.44) to 7.4 (sst@2.49), so the installed package is the best source.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { installedVersion } from "../../plugin/tools/detect.js";

/** LATEST_VERSION of sst@2.49.8, used when the installed package cannot be read. */
const FALLBACK_VERSION = "7.4";

export function sstV2BootstrapVersion(cwd: string): { version: string; source: string } {
  const file = findPackageFile(cwd, "sst", "bootstrap.js");
  const version = installedVersion(cwd, "sst");
  if (file) {
    try {
      const match = /LATEST_VERSION\s*=\s*"(\d+(?:\.\d+)?)"/.exec(readFileSync(file, "utf8"));
      if (match?.[1]) return { version: match[1], source: `sst${version ? `@${version}` : ""}` };
    } catch {
      // An unreadable package falls through to the known value.
    }
  }
  return { version: FALLBACK_VERSION, source: "sst@2.49, as the installed sst could not be read" };
}

function findPackageFile(cwd: string, packageName: string, file: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, "node_modules", packageName, file);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
