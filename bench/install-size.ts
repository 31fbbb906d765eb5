// Measures what `npx sst-preflight` downloads and installs: the packed tarball, and
// the folder after installing it with its production dependencies only.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface InstallSize {
  tarballKiB: number;
  /** Files in the tarball. */
  files: number;
  /** Size of the files in node_modules after `npm i --omit=dev TARBALL`, in MiB. */
  installedMiB: number;
  /** Space those files take on disk, in whole blocks, in MiB. */
  onDiskMiB: number;
  installedFiles: number;
  packages: number;
}

interface FolderSize {
  bytes: number;
  diskBytes: number;
  files: number;
}

/** Adds up the files under `dir`, counting each hard-linked file once. */
function folderSize(dir: string, total: FolderSize = { bytes: 0, diskBytes: 0, files: 0 }, seen = new Set<string>()): FolderSize {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      folderSize(file, total, seen);
      continue;
    }
    if (!entry.isFile()) continue;
    const stats = statSync(file);
    const id = `${stats.dev}:${stats.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    total.bytes += stats.size;
    // stat's blocks are 512-byte units on Linux and macOS.
    total.diskBytes += stats.blocks * 512;
    total.files++;
  }
  return total;
}

/** Whether another npm install runs now; two npm processes on one cache can corrupt it. */
export function npmIsBusy(): boolean {
  try {
    execFileSync("pgrep", ["-f", "npm (i|install|ci)( |$)"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Packs `repo` (which must be built) and installs the tarball in a temporary folder. */
export function measureInstallSize(repo: string): InstallSize {
  const work = mkdtempSync(path.join(tmpdir(), "preflight-install-size-"));
  try {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: repo, encoding: "utf8" })) as Array<{
      filename: string;
      size: number;
      entryCount: number;
    }>;
    const tarball = packed[0]!;
    const project = path.join(work, "project");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "install-size-probe", version: "0.0.0", private: true }));
    // --prefer-offline takes packages from the local npm cache when it has them.
    execFileSync("npm", ["i", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", path.join(work, tarball.filename)], {
      cwd: project,
      stdio: "ignore",
    });
    const modules = path.join(project, "node_modules");
    const packages = readdirSync(modules).flatMap((name) => (name.startsWith("@") ? readdirSync(path.join(modules, name)) : name.startsWith(".") ? [] : [name]));
    const installed = folderSize(modules);
    return {
      tarballKiB: tarball.size / 1024,
      files: tarball.entryCount,
      installedMiB: installed.bytes / 2 ** 20,
      onDiskMiB: installed.diskBytes / 2 ** 20,
      installedFiles: installed.files,
      packages: packages.length,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
