// The --json document: one object on stdout with every check's result. Field names
// are stable; bump REPORT_VERSION when one changes meaning.
import type { CheckResult, CheckStatus, PreflightContext } from "../runner/types.js";

export const REPORT_VERSION = 1;

export interface JsonReport {
  version: number;
  status: CheckStatus;
  blocked: boolean;
  tool: PreflightContext["tool"];
  command: string;
  stage: PreflightContext["stage"] | null;
  region: PreflightContext["region"] | null;
  profile: PreflightContext["profile"] | null;
  config: string;
  identity: { account: string; arn: string; userId: string } | null;
  credentials: { source: string; kind: string; accessKeyId: string | null; expiration: string | null } | null;
  checks: CheckResult[];
  changes: PreflightContext["changes"];
  durationMs: number;
}

export function buildJsonReport(
  context: PreflightContext,
  results: CheckResult[],
  verdict: { status: CheckStatus; blocked: boolean },
  durationMs: number,
): JsonReport {
  const credentials = context.credentials;
  return {
    version: REPORT_VERSION,
    status: verdict.status,
    blocked: verdict.blocked,
    tool: context.tool,
    command: context.command,
    stage: context.stage ?? null,
    region: context.region ?? null,
    profile: context.profile ?? null,
    config: context.configOrigin,
    identity: context.identity ?? null,
    credentials: credentials
      ? {
          source: credentials.source,
          kind: credentials.kind,
          accessKeyId: credentials.accessKeyIdMasked ?? null,
          expiration: credentials.expiration && !Number.isNaN(credentials.expiration.getTime()) ? credentials.expiration.toISOString() : null,
        }
      : null,
    checks: results,
    changes: context.changes,
    durationMs: Math.round(durationMs),
  };
}
