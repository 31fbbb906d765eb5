// Picks the package manager a project uses, from --package-manager, the
// `packageManager` field of package.json, or the lock file in the project or the
// nearest parent folder (workspaces keep one lock file at their root).
import { existsSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";

export const PACKAGE_MANAGERS = ["npm", "pnpm", "yarn"] as const;
export type PackageManagerName = (typeof PACKAGE_MANAGERS)[number];

export interface PackageManager {
  name: PackageManagerName;
  /** Evidence for the choice, such as "pnpm-lock.yaml". */
  detectedBy: string;
  /** Folder of the lock file, where installs run; the project folder when none was found. */
  root: string;
  /** A note for the user, such as two lock files found. */
  note?: string;
}

const LOCK_FILES: Array<[string, PackageManagerName]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

export function detectPackageManager(cwd: string, manifest: Record<string, unknown> | undefined, forced?: string): PackageManager {
  if (forced !== undefined) {
    if (!(PACKAGE_MANAGERS as readonly string[]).includes(forced)) {
      throw usageError(`Invalid --package-manager "${forced}"`, [`Expected one of: ${PACKAGE_MANAGERS.join(", ")}.`]);
    }
    return { name: forced as PackageManagerName, detectedBy: "--package-manager", root: findLockRoot(cwd) ?? cwd };
  }

  const declared = typeof manifest?.packageManager === "string" ? manifest.packageManager : undefined;
  const declaredName = declared?.split("@")[0];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const found = LOCK_FILES.filter(([file]) => existsSync(path.join(dir, file)));
    if (found.length > 0) {
      const preferred = found.find(([, name]) => name === declaredName) ?? found[0]!;
      const [file, name] = preferred;
      const where = dir === path.resolve(cwd) ? file : path.join(path.relative(cwd, dir) || ".", file);
      const note =
        found.length > 1
          ? `Found ${found.map(([other]) => other).join(" and ")}; using ${name} (${declared ? `packageManager is "${declared}"` : `${file} comes first`}). Delete the lock file you do not use.`
          : undefined;
      return { name, detectedBy: where, root: dir, ...(note ? { note } : {}) };
    }
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
  }

  if (declaredName && (PACKAGE_MANAGERS as readonly string[]).includes(declaredName)) {
    return { name: declaredName as PackageManagerName, detectedBy: `packageManager "${declared}" in package.json`, root: cwd };
  }
  const note = existsSync(path.join(cwd, "bun.lockb")) || existsSync(path.join(cwd, "bun.lock")) ? "bun is not supported; the commands below use npm." : undefined;
  return { name: "npm", detectedBy: "no lock file found", root: cwd, ...(note ? { note } : {}) };
}

function findLockRoot(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (LOCK_FILES.some(([file]) => existsSync(path.join(dir, file)))) return dir;
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) return undefined;
  }
}

/** Returns the command that installs the project's dependencies. */
export function installCommand(manager: PackageManagerName): string {
  return `${manager} install`;
}

/** Returns the command that adds a development dependency. */
export function addDevCommand(manager: PackageManagerName, name: string): string {
  if (manager === "npm") return `npm install --save-dev ${name}`;
  return `${manager} add -D ${name}`;
}

/**
 * Returns the command that runs a package script with extra arguments. `pnpm deploy` is a
 * pnpm command of its own, so pnpm always gets `run`; npm needs `--` before the arguments.
 */
export function runScriptCommand(manager: PackageManagerName, script: string, args: string[]): string {
  const rest = args.length > 0 ? ` ${args.join(" ")}` : "";
  if (manager === "npm") return `npm run ${script}${args.length > 0 ? ` --${rest}` : ""}`;
  if (manager === "pnpm") return `pnpm run ${script}${rest}`;
  return `yarn ${script}${rest}`;
}
