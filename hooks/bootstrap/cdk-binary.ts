// Finds an installed CDK CLI for the fix. sst-preflight never downloads one (no npx):
// the project's own node_modules/.bin/cdk comes first, then an aws-cdk package that
// Node can resolve from sst-preflight's own location.
import { createRequire } from "node:module";
import { findLocalBinary } from "../../plugin/tools/spawn.js";

export interface CdkBinary {
  /** Executable to start. */
  file: string;
  /** Arguments placed before the CDK arguments, such as the script path when `file` is node. */
  prefix: string[];
  /** Path of the CLI, for messages. */
  location: string;
}

export function findCdkBinary(cwd: string): CdkBinary | undefined {
  const local = findLocalBinary(cwd, "cdk");
  if (local) return { file: local, prefix: [], location: local };
  try {
    // aws-cdk exports "./bin/cdk" in its package.json, so this resolves without a path guess.
    const script = createRequire(import.meta.url).resolve("aws-cdk/bin/cdk");
    return { file: process.execPath, prefix: [script], location: script };
  } catch {
    return undefined;
  }
}
