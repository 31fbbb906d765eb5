// Asks before init writes, and writes each file whole: a temporary file next to it,
// renamed over it, so an interrupted run never leaves half a package.json behind.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PreflightError } from "../errors.js";
import type { FileChange } from "./plan.js";

export type Decision = "write" | "dry-run" | "declined" | "cannot-ask";

export interface DecisionInput {
  yes: boolean;
  dryRun: boolean;
  /** stdin is a terminal and CI is not set. */
  interactive: boolean;
  prompt(question: string): Promise<string>;
}

export async function decide(input: DecisionInput): Promise<Decision> {
  if (input.dryRun) return "dry-run";
  if (input.yes) return "write";
  if (!input.interactive) return "cannot-ask";
  const answer = await input.prompt("Write these changes? [y/N] ");
  return /^y(es)?$/i.test(answer.trim()) ? "write" : "declined";
}

/**
 * Writes the planned files. Each existing file must still hold what the plan read,
 * so a file edited in the meantime is never overwritten.
 */
export function writeChanges(dir: string, changes: FileChange[]): string[] {
  for (const change of changes) {
    const file = path.join(dir, change.file);
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (current !== change.before) {
      throw new PreflightError("InvalidUsage", `${change.file} changed while init was running; nothing was written`, {
        hints: ["Run sst-preflight init again."],
      });
    }
  }

  const written: string[] = [];
  for (const change of changes) {
    const file = path.join(dir, change.file);
    const temporary = `${file}.sst-preflight-${process.pid}.tmp`;
    const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o644;
    try {
      writeFileSync(temporary, change.after, { mode });
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new PreflightError("Internal", `Could not write ${file}: ${(error as Error).message}`, {
        cause: error,
        hints: written.length > 0 ? [`Already written: ${written.join(", ")}. Run init again after fixing the cause.`] : [],
      });
    }
    written.push(change.file);
  }
  return written;
}
