// A finding is one problem or remark about the credential setup: what is wrong, where
// (file and line, or variable), and the fix. The check's status is the worst severity.

export type Severity = "error" | "warning" | "info";

export interface Finding {
  /** Stable identifier of the rule, such as "config-section-without-profile-prefix". */
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** Profile the finding is about. */
  profile?: string;
  /** The fix: a command, or the line to write. */
  fix?: string;
}

/** Maps findings to the check's status: any error fails, any warning warns. */
export function statusOf(findings: readonly Finding[]): "fail" | "warn" | "pass" {
  if (findings.some((finding) => finding.severity === "error")) return "fail";
  if (findings.some((finding) => finding.severity === "warning")) return "warn";
  return "pass";
}

/** Formats a finding as one line for the report, prefixed with `file:line` when known. */
export function describeFinding(finding: Finding): string {
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ""}: ` : "";
  return `${where}${finding.message}`;
}

/** Orders findings by severity, keeping the original order within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** Drops repeated findings with the same code, profile, file and line. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.code}|${finding.profile ?? ""}|${finding.file ?? ""}|${finding.line ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
