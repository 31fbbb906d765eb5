// Resolves credentials online with the SDK's own providers, one link of the tool's
// chain at a time from the selected link on, so each link's real error is kept
// instead of the SDK's "Could not load credentials from any providers". Like the SDK's
// chain, it moves on after an error marked tryNextLink and stops after any other.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { describeError } from "../../plugin/errors.js";
import type { ToolName } from "../../plugin/config/schema.js";
import type { ChainLink, ChainPlan, LinkKind } from "./chain/types.js";
import type { Finding } from "./findings.js";
import { runCredentialProcess } from "./sources/process.js";

export interface ResolveOptions {
  tool: ToolName;
  plan: ChainPlan;
  env: NodeJS.ProcessEnv;
  configPath: string;
  credentialsPath: string;
  region?: string;
  /** The SDK's mfaCodeProvider; undefined for tools without an MFA prompt. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
  /** SST v2's `role` setting, which its chain uses as the web identity role. */
  webIdentityRole?: string;
  /** Deadline of one AWS call, in milliseconds. */
  callTimeoutMs: number;
  processTimeoutMs: number;
  signal?: AbortSignal;
}

export interface LinkAttempt {
  kind: LinkKind;
  /** The link's own error message. */
  error: string;
  /** False when the error stops the chain, as SSO and MFA errors do. */
  tryNextLink: boolean;
  /** True when the link did not respond in time, so nothing is known about it. */
  timedOut: boolean;
}

export interface ResolveOutcome {
  identity?: AwsCredentialIdentity;
  /** The link that produced the credentials. */
  link?: LinkKind;
  attempts: LinkAttempt[];
  /** A precise problem found while resolving, such as a credential_process output error. */
  problem?: Finding;
}

export async function resolveCredentials(options: ResolveOptions): Promise<ResolveOutcome> {
  const outcome: ResolveOutcome = { attempts: [] };
  const links = linksToTry(options.plan.links);
  for (const link of links) {
    try {
      const provider = await providerFor(link, options, outcome);
      if (!provider) continue;
      outcome.identity = await withDeadline(provider(), deadlineFor(link, options), `resolving ${link.kind} credentials`);
      outcome.link = link.kind;
      return outcome;
    } catch (error) {
      const timedOut = error instanceof DeadlineError;
      const tryNextLink = (error as { tryNextLink?: unknown }).tryNextLink !== false && !timedOut;
      outcome.attempts.push({ kind: link.kind, error: describeError(error), tryNextLink, timedOut });
      if (!tryNextLink || outcome.problem) return outcome;
    }
  }
  return outcome;
}

/** Returns the selected link and the configured links after it, which the tool tries when it fails. */
function linksToTry(links: readonly ChainLink[]): ChainLink[] {
  const start = links.findIndex((link) => link.state === "selected");
  if (start === -1) return [];
  return links.slice(start).filter((link, index) => index === 0 || link.state === "skipped");
}

async function providerFor(link: ChainLink, options: ResolveOptions, outcome: ResolveOutcome): Promise<AwsCredentialIdentityProvider | undefined> {
  const providers = await import("@aws-sdk/credential-providers");
  const parentClientConfig = options.region ? { region: options.region } : {};
  // The STS client that assumes roles has no timeout of its own. Without one, a stalled
  // AssumeRole would hold a socket, and so the process, open after the check gave up.
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  const clientConfig = {
    requestHandler: new NodeHttpHandler({ connectionTimeout: Math.min(options.callTimeoutMs, 5_000), requestTimeout: options.callTimeoutMs }),
  };
  switch (link.kind) {
    case "environment":
      return providers.fromEnv();
    case "profile": {
      const steps = options.plan.steps;
      const only = steps.length === 1 ? steps[0] : undefined;
      if (only?.kind === "credential-process" && only.command !== undefined) return processProvider(only.profile ?? link.profile ?? "", only.command, only, options, outcome);
      return providers.fromIni({
        profile: link.profile ?? "default",
        filepath: options.credentialsPath,
        configFilepath: options.configPath,
        ignoreCache: true,
        parentClientConfig,
        clientConfig,
        ...(options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {}),
      });
    }
    case "web-identity":
      return providers.fromTokenFile({ ...(options.webIdentityRole ? { roleArn: options.webIdentityRole } : {}), parentClientConfig, clientConfig });
    case "container":
      return providers.fromHttp({ timeout: Math.min(options.callTimeoutMs, 5_000), maxRetries: 1 });
    case "instance-metadata":
      return providers.fromInstanceMetadata({ timeout: 1_000, maxRetries: 0 });
  }
}

/** Runs the command ourselves, with a timeout and a precise validation message. */
function processProvider(
  profile: string,
  command: string,
  where: { file?: string; line?: number },
  options: ResolveOptions,
  outcome: ResolveOutcome,
): AwsCredentialIdentityProvider {
  return async () => {
    const result = await runCredentialProcess({
      profile,
      command,
      env: options.env,
      timeoutMs: options.processTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      where: { ...(where.file ? { file: where.file } : {}), ...(where.line ? { line: where.line } : {}) },
    });
    if (result.problem) {
      outcome.problem = result.problem;
      throw new Error(result.problem.message);
    }
    return result.credentials!;
  };
}

function deadlineFor(link: ChainLink, options: ResolveOptions): number {
  if (link.kind !== "profile") return options.callTimeoutMs * 2;
  const roles = options.plan.steps.filter((step) => step.kind === "assume-role" || step.kind === "sso" || step.kind === "web-identity").length;
  const process = options.plan.steps.some((step) => step.kind === "credential-process") ? options.processTimeoutMs : 0;
  return options.callTimeoutMs * (roles + 1) + process;
}

export class DeadlineError extends Error {
  override get name(): string {
    return "DeadlineError";
  }
}

/** Rejects when `promise` does not settle within `ms`; the SDK's providers take no abort signal. */
export function withDeadline<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(`${operation} timed out after ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(describeError(error)));
      },
    );
  });
}
