// Lints the shared config and credentials files (AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/config and ~/.aws/credentials). The SDK's
// own parse decides what exists, and a line-aware scan finds the lines. It reads local
// files only and never throws: a rule that fails becomes a finding.
import { readFile, stat } from "node:fs/promises";
import type { SharedFiles } from "../../../plugin/aws/profiles.js";
import { describeError } from "../../../plugin/errors.js";
import type { CredentialSetup } from "../chain/setup.js";
import { uniqueFindings, type Finding } from "../findings.js";
import { lintLines } from "./line-rules.js";
import { lintProfiles } from "./profile-rules.js";
import { scanIni, type FileKind, type ScannedFile } from "./scan.js";

// Far larger than any real config file; bigger files are not scanned line by line.
const MAX_SCANNED_BYTES = 8 * 1024 * 1024;

export interface ReadResult {
  scan?: ScannedFile;
  findings: Finding[];
}

/** Reads and scans one shared file, turning every reason it cannot be read into a finding. */
export async function readSharedFile(file: string, kind: FileKind, variable: string, env: NodeJS.ProcessEnv): Promise<ReadResult> {
  const findings: Finding[] = [];
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      return { findings: [{ code: "shared-file-not-a-file", severity: "warning", message: `${file} is a folder, not a ${kind} file, so the SDKs read no profiles from it`, file, fix: `Point ${variable} to the ${kind} file.` }] };
    }
    if (info.size > MAX_SCANNED_BYTES) {
      return { findings: [{ code: "shared-file-too-large", severity: "warning", message: `${file} is ${info.size} bytes, too large to be a ${kind} file; it was not linted`, file, fix: `Check that ${variable} points to the ${kind} file.` }] };
    }
    if (kind === "credentials" && process.platform !== "win32" && (info.mode & 0o077) !== 0) {
      findings.push({ code: "credentials-file-permissions", severity: "warning", message: `${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)})`, file, fix: `Run: chmod 600 ${file}` });
    }
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      if (env[variable]) {
        findings.push({ code: "shared-file-missing", severity: "info", message: `${variable} points to ${file}, which does not exist`, file, fix: `Create the file or fix ${variable}.` });
      }
      return { findings };
    }
    findings.push({ code: "shared-file-unreadable", severity: "warning", message: `${file} cannot be read: ${describeError(error)}`, file, fix: "Fix the file's permissions." });
    return { findings };
  }

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = bytes.toString("utf8");
    findings.push({ code: "shared-file-not-text", severity: "warning", message: `${file} is not valid UTF-8 text; the SDKs read it with replacement characters`, file, fix: `Check that ${variable} points to the ${kind} file and save it as UTF-8.` });
  }
  if (text.includes("\u0000")) {
    findings.push({ code: "shared-file-not-text", severity: "warning", message: `${file} contains NUL bytes, so it is probably not a ${kind} file`, file, fix: `Check that ${variable} points to the ${kind} file.` });
  }
  return { scan: scanIni(text, kind), findings };
}

export interface LintResult {
  findings: Finding[];
  scans: { config?: ScannedFile; credentials?: ScannedFile };
}

/** Scans both shared files; lintSetup then applies the rules. */
export async function scanSharedFiles(env: NodeJS.ProcessEnv, files: SharedFiles): Promise<LintResult> {
  const [config, credentials] = await Promise.all([
    safely(() => readSharedFile(files.configPath, "config", "AWS_CONFIG_FILE", env), files.configPath),
    safely(() => readSharedFile(files.credentialsPath, "credentials", "AWS_SHARED_CREDENTIALS_FILE", env), files.credentialsPath),
  ]);
  return {
    findings: [...config.findings, ...credentials.findings],
    scans: { ...(config.scan ? { config: config.scan } : {}), ...(credentials.scan ? { credentials: credentials.scan } : {}) },
  };
}

/** Applies every lint rule. `selected` contains the profiles of the chain this run uses. */
export function lintSetup(setup: CredentialSetup, selected: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const { files, scans } = setup;
  for (const [scan, file, parsed] of [
    [scans.config, files.configPath, files.config],
    [scans.credentials, files.credentialsPath, files.credentials],
  ] as const) {
    if (!scan) continue;
    findings.push(...guard(() => lintLines({ file, scan, selected }), file));
    if (scan.rejectedHeader && Object.keys(parsed).length === 0) {
      findings.push({
        code: "shared-file-rejected",
        severity: "error",
        message: `the SDKs reject the whole file because of the section header ${scan.rejectedHeader.text.trim()}, so none of its profiles exist for them`,
        file,
        line: scan.rejectedHeader.line,
        fix: "Rename or delete that section.",
      });
    }
  }
  findings.push(...guard(() => lintProfiles(setup, selected), files.configPath));
  findings.push(...lintHome(setup.env));
  return uniqueFindings(findings);
}

function lintHome(env: NodeJS.ProcessEnv): Finding[] {
  if (!env.HOME || !env.USERPROFILE || env.HOME === env.USERPROFILE) return [];
  return [
    {
      code: "home-mismatch",
      severity: "warning",
      message: `HOME (${env.HOME}) and USERPROFILE (${env.USERPROFILE}) differ: the JS SDK reads ~/.aws under HOME, while tools built on other SDKs may read it under USERPROFILE`,
      fix: "Unset HOME or make it equal USERPROFILE, so every tool reads the same files.",
    },
  ];
}

async function safely(read: () => Promise<ReadResult>, file: string): Promise<ReadResult> {
  try {
    return await read();
  } catch (error) {
    return { findings: [crashFinding(error, file)] };
  }
}

function guard(rule: () => Finding[], file: string): Finding[] {
  try {
    return rule();
  } catch (error) {
    return [crashFinding(error, file)];
  }
}

function crashFinding(error: unknown, file: string): Finding {
  return { code: "lint-failed", severity: "warning", message: `the lint of ${file} stopped: ${describeError(error)}`, file, fix: "Report this with the file's structure (not its keys)." };
}
