// Checks --json reports against the JSON Schema that the package ships in
// schema/report.schema.json, so every test that reads a report also proves the
// documented shape. Use `parseReport(stdout)` on a CLI's output, or
// `assertReportMatchesSchema(report)` on a report built in-process.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import * as assert from "uvu/assert";
import { REPO_ROOT } from "./sst-app.js";

export const REPORT_SCHEMA_FILE = path.join(REPO_ROOT, "schema", "report.schema.json");

let validator: ValidateFunction | undefined;

function reportValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // An ISO 8601 timestamp with a time zone, as Date.prototype.toISOString writes it.
  ajv.addFormat("date-time", (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)));
  validator = ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA_FILE, "utf8")) as object);
  return validator;
}

/** Returns the schema violations of `report`, one line each; empty when it conforms. */
export function reportSchemaErrors(report: unknown): string[] {
  const validate = reportValidator();
  if (validate(report)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"} ${JSON.stringify(error.params)}`);
}

/** Fails the current test when `report` does not match the --json schema. */
export function assertReportMatchesSchema(report: unknown, label = "--json report"): void {
  const errors = reportSchemaErrors(report);
  assert.ok(errors.length === 0, `${label} does not match schema/report.schema.json:\n  ${errors.join("\n  ")}`);
}

/** Parses a CLI's stdout as one --json document and checks it against the schema. */
export function parseReport(stdout: string, label = "--json report"): Record<string, any> {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch (error) {
    assert.unreachable(`${label} is not one JSON document: ${(error as Error).message}\n${stdout.slice(0, 500)}`);
  }
  assertReportMatchesSchema(report, label);
  return report as Record<string, any>;
}
