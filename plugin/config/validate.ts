// Turns schema issues into one error that names the source, the field, the value
// received and what was expected.
import type { z } from "zod";
import { configError } from "../errors.js";
import { configSchema, type PreflightConfig } from "./schema.js";

export function validateConfig(raw: unknown, origin: string): PreflightConfig {
  rejectReservedStageNames(raw, origin);
  // Only a missing value means "no configuration"; a file that contains null is a mistake.
  const result = configSchema.safeParse(raw === undefined ? {} : raw);
  if (result.success) return result.data;

  const lines = result.error.issues.slice(0, 10).map((issue) => formatIssue(issue, raw));
  const more = result.error.issues.length > 10 ? [`... and ${result.error.issues.length - 10} more`] : [];
  const list = [...lines, ...more].map((line) => `  - ${line}`).join("\n");
  throw configError(`Invalid sst-preflight configuration in ${origin}:\n${list}`, [
    "Fix the fields listed above; the configuration reference in the README lists every field.",
  ]);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text || "(root)";
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  const received = valueAt(raw, issue.path);
  const receivedText = received === undefined ? "nothing" : preview(received);
  return `${where}: ${issue.message}, got ${receivedText}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Rejects stage names that are object internals. zod drops a "__proto__" key without a
 * word, so a stage of that name would silently lose its account binding.
 */
function rejectReservedStageNames(raw: unknown, origin: string): void {
  const stages = raw && typeof raw === "object" ? (raw as { stages?: unknown }).stages : undefined;
  if (!stages || typeof stages !== "object") return;
  const reserved = Object.keys(stages).filter((name) => ["__proto__", "constructor", "prototype"].includes(name));
  if (reserved.length === 0) return;
  throw configError(`Invalid sst-preflight configuration in ${origin}:\n  - stages: "${reserved[0]}" cannot be a stage name`, [
    "Rename the stage; SST and the CDK would not accept that name either.",
  ]);
}
