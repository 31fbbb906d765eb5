// Builds a throwaway SST v2 app from sst.config.ts.example in a temporary folder.
// Its node_modules links to this repository's installed sst, aws-cdk-lib,
// constructs and aws-cdk, and to the repository itself as `sst-preflight`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const LINKED_PACKAGES = ["sst", "aws-cdk-lib", "constructs", "aws-cdk", ".bin"];

export interface SstApp {
  dir: string;
  cleanup(): void;
}

export interface SstAppOptions {
  /** Source of sst.config.ts; defaults to the repository's sst.config.ts.example. */
  config?: string;
  /** Text replacements applied to the config source, in order. */
  replace?: Array<[string, string]>;
  /** Extra files, by path relative to the app. */
  files?: Record<string, string>;
}

export function makeSstApp(options: SstAppOptions = {}): SstApp {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-sst-app-"));
  let config = options.config ?? readFileSync(path.join(REPO_ROOT, "sst.config.ts.example"), "utf8");
  for (const [from, to] of options.replace ?? []) {
    if (!config.includes(from)) throw new Error(`makeSstApp: "${from}" is not in the config source`);
    config = config.split(from).join(to);
  }
  writeFileSync(path.join(dir, "sst.config.ts"), config);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "preflight-example", version: "0.0.0", private: true, type: "module" }, null, 2),
  );
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "esnext", moduleResolution: "bundler" } }));

  const modules = path.join(dir, "node_modules");
  mkdirSync(modules);
  for (const name of LINKED_PACKAGES) {
    symlinkSync(path.join(REPO_ROOT, "node_modules", name), path.join(modules, name));
  }
  symlinkSync(REPO_ROOT, path.join(modules, "sst-preflight"));

  for (const [file, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
