// Lint rules that look at one file's lines: headers the SDK ignores, lines it cannot
// read, duplicate keys, values that do not mean what they seem to. Messages name keys
// but never print the value of a secret key.
import type { Finding } from "../findings.js";
import { diagnoseHeader } from "./headers.js";
import type { ScannedFile, ScannedKey, ScannedSection } from "./scan.js";

const SECRET_KEYS = new Set(["aws_secret_access_key", "aws_session_token", "aws_security_token", "external_id"]);
// Keys whose empty value the SDK reads as the start of a sub-section, which is never meant.
const SCALAR_KEYS = new Set([
  "region",
  "role_arn",
  "source_profile",
  "credential_source",
  "credential_process",
  "mfa_serial",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
  "web_identity_token_file",
  "role_session_name",
  "duration_seconds",
  "external_id",
]);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface LineRuleContext {
  file: string;
  scan: ScannedFile;
  /** Profiles the selected chain reads; findings about them are errors. */
  selected: ReadonlySet<string>;
}

export function lintLines(context: LineRuleContext): Finding[] {
  const { scan, file } = context;
  const findings: Finding[] = [];

  for (const section of scan.sections) {
    const problem = diagnoseHeader(section, scan.kind);
    if (problem) {
      const selected = problem.profile !== undefined && context.selected.has(problem.profile);
      findings.push({
        code: scan.kind === "config" ? "config-section-header-ignored" : "credentials-section-header-ignored",
        severity: selected ? "error" : "warning",
        message: `[${section.header}]: ${problem.reason}`,
        file,
        line: section.line,
        ...(problem.profile ? { profile: problem.profile } : {}),
        fix: `Write ${problem.correct}.`,
      });
    }
    for (const key of section.keys) findings.push(...lintValue(context, section, key));
  }

  for (const entry of scan.keysOutsideSections) {
    findings.push({ code: "key-outside-section", severity: "warning", message: "this setting comes before any [section] header, so the SDKs ignore it", file, line: entry.line, fix: "Move it under the profile it belongs to." });
  }
  for (const entry of scan.unparsedLines) findings.push(lintUnparsedLine(context, entry.line, entry.text));
  findings.push(...lintDuplicateKeys(context));
  return findings;
}

function lintValue(context: LineRuleContext, section: ScannedSection, key: ScannedKey): Finding[] {
  const { file } = context;
  const base = { file, line: key.line, ...(section.sdkName ? { profile: section.sdkName } : {}) };
  const shown = SECRET_KEYS.has(key.name) ? "" : ` (${key.value})`;
  const findings: Finding[] = [];
  if (key.value === "" && SCALAR_KEYS.has(key.name)) {
    findings.push({
      ...base,
      code: "empty-value",
      severity: "warning",
      message: `${key.name} has no value; the SDKs read "${key.name} =" as the start of a sub-section, so ${key.name} stays unset and indented lines below it are renamed`,
      fix: `Give ${key.name} a value or delete the line.`,
    });
    return findings;
  }
  if (/[^\s][#;]/.test(key.value) && !/^https?:/.test(key.value) && key.name !== "credential_process") {
    findings.push({
      ...base,
      code: "comment-without-space",
      severity: "warning",
      message: `the value of ${key.name} contains "#" or ";" without a space before it, so the comment is part of the value${shown}`,
      fix: "Put a space before the comment, or move it to its own line.",
    });
  }
  if (/^(["']).*\1$/.test(key.value) && key.value.length >= 2) {
    findings.push({ ...base, code: "quoted-value", severity: "warning", message: `the quotes around the value of ${key.name} are part of the value${shown}`, fix: "Remove the quotes." });
  }
  if (key.name === "region" && !REGION.test(key.value)) {
    findings.push({ ...base, code: "invalid-region", severity: "warning", message: `region = ${key.value} is not an AWS region name`, fix: "Use a region name such as eu-west-1." });
  }
  if (key.name === "aws_access_key_id" && !/^[A-Z0-9]{16,128}$/.test(key.value)) {
    findings.push({ ...base, code: "invalid-access-key-id", severity: "warning", message: "aws_access_key_id does not look like an access key ID (16 or more capital letters and digits)", fix: "Copy the key ID again; look for spaces, quotes or a swapped secret." });
  }
  return findings;
}

function lintUnparsedLine(context: LineRuleContext, line: number, text: string): Finding {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") && !trimmed.includes("]")) {
    return {
      code: "unclosed-section-header",
      severity: "error",
      message: `the header ${trimmed} has no closing "]", so the SDKs ignore it and add the keys below it to the previous section`,
      file: context.file,
      line,
      fix: `Write ${trimmed}].`,
    };
  }
  if (/^[\w.-]+\s*:/.test(trimmed)) {
    const key = trimmed.slice(0, trimmed.indexOf(":")).trim();
    return { code: "colon-separator", severity: "warning", message: `"${key}:" is ignored: the SDKs only read "key = value"`, file: context.file, line, fix: `Write ${key} = <value>.` };
  }
  return { code: "unparsed-line", severity: "warning", message: "the SDKs cannot read this line (no \"key = value\", header or comment), so they ignore it", file: context.file, line, fix: "Fix or delete the line." };
}

/** Finds keys set twice for the same section name; the SDK keeps the later value. */
function lintDuplicateKeys(context: LineRuleContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, ScannedKey>();
  for (const section of context.scan.sections) {
    if (section.sdkName === undefined) continue;
    for (const key of section.keys) {
      if (key.value === "") continue;
      const id = `${section.sdkName}\u0000${key.name}`;
      const earlier = seen.get(id);
      if (earlier) {
        findings.push({
          code: "duplicate-key",
          severity: "warning",
          message: `${key.name} is set again for ${section.sdkName} (first at line ${earlier.line}); the SDKs use this later value`,
          file: context.file,
          line: key.line,
          profile: section.sdkName,
          fix: "Delete one of the two lines.",
        });
      }
      seen.set(id, key);
    }
  }
  return findings;
}
