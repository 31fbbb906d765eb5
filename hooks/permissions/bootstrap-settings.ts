// The bootstrap names a deploy uses: the CDK qualifier, the toolkit stack name and
// SST v2's own bootstrap stack, each from the first place that sets it.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PreflightConfig } from "../../plugin/config/schema.js";

export const DEFAULT_QUALIFIER = "hnb659fds";
export const DEFAULT_TOOLKIT_STACK = "CDKToolkit";
export const DEFAULT_SST_BOOTSTRAP_STACK = "SSTBootstrap";

export interface BootstrapSettings {
  qualifier: string;
  toolkitStackName: string;
  /** SST v2's bootstrap stack; unused for other tools. */
  sstBootstrapStackName: string;
}

interface CdkJson {
  toolkitStackName?: unknown;
  context?: Record<string, unknown>;
  output?: unknown;
}

/**
 * Reads the bootstrap names in the order the tools apply them: the preflight config,
 * then SST v2's `cdk.*` and `bootstrap.*` app settings, then cdk.json, then the defaults.
 */
export function readBootstrapSettings(cwd: string, config: PreflightConfig, appConfig?: Record<string, unknown>): BootstrapSettings {
  const cdkJson = readCdkJson(cwd);
  const appCdk = record(appConfig?.cdk);
  const appBootstrap = record(appConfig?.bootstrap);
  return {
    qualifier:
      config.bootstrap?.qualifier ??
      text(appCdk?.qualifier) ??
      text(cdkJson?.context?.["@aws-cdk/core:bootstrapQualifier"]) ??
      DEFAULT_QUALIFIER,
    toolkitStackName: config.bootstrap?.toolkitStackName ?? text(appCdk?.toolkitStackName) ?? text(cdkJson?.toolkitStackName) ?? DEFAULT_TOOLKIT_STACK,
    sstBootstrapStackName: text(appBootstrap?.stackName) ?? DEFAULT_SST_BOOTSTRAP_STACK,
  };
}

/** Returns the cloud assembly folder: cdk.json's "output" or cdk.out. */
export function defaultAssemblyDir(cwd: string): string {
  const output = text(readCdkJson(cwd)?.output);
  return path.resolve(cwd, output ?? "cdk.out");
}

function readCdkJson(cwd: string): CdkJson | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(cwd, "cdk.json"), "utf8"));
    return record(parsed) as CdkJson | undefined;
  } catch {
    // A missing cdk.json is normal for SST; a broken one is reported by the CDK CLI itself.
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
