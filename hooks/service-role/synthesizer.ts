// Finds out how a CDK app's stacks reach CloudFormation: through the bootstrap's
// deploy role (the default synthesizer), or with the caller's own credentials
// (LegacyStackSynthesizer, CliCredentialsStackSynthesizer). That decides which
// principal must be allowed to pass the service role.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { readToolOption } from "../../plugin/cli/args.js";
import type { PreflightContext } from "../../plugin/runner/types.js";

export const DEFAULT_QUALIFIER = "hnb659fds";

export interface Target {
  account: string;
  region: string;
  partition: string;
}

export interface SynthesizerFacts {
  /** ARNs of the deploy roles the CDK CLI assumes before it calls CloudFormation. */
  deployRoles: string[];
  /** True when some stacks deploy with the caller's own credentials. */
  callerDeploys: boolean;
  /** Synthesizer name and the evidence for it, such as "LegacyStackSynthesizer, named in app.mjs". */
  source: string;
}

const CALLER_SYNTHESIZERS = ["LegacyStackSynthesizer", "CliCredentialsStackSynthesizer", "BootstraplessSynthesizer"];
const MAX_SOURCE_FILES = 20;
const MAX_SOURCE_BYTES = 1_000_000;

export function detectSynthesizer(context: PreflightContext, target: Target): SynthesizerFacts {
  const cdkJson = readCdkJson(context.cwd);
  const app = readToolOption(context.toolArgs, ["--app", "-a"]) ?? (typeof cdkJson.app === "string" ? cdkJson.app : undefined);
  const output = readToolOption(context.toolArgs, ["--output", "-o"]) ?? (typeof cdkJson.output === "string" ? cdkJson.output : "cdk.out");
  // An app that is a folder is an already synthesized cloud assembly.
  const assemblyDir = app && isDirectory(path.resolve(context.cwd, app)) ? app : output;
  const fromManifest = readManifest(path.resolve(context.cwd, assemblyDir, "manifest.json"), target);
  if (fromManifest) return { ...fromManifest, source: `read from ${path.join(assemblyDir, "manifest.json")}, written by the last synth` };

  // NOTE: without a cloud assembly, this searches the app's entry file and the files it
  // imports directly for synthesizer class names. A synthesizer set further away is
  // found only after `cdk synth` has written cdk.out.
  const sources = app ? readAppSources(context.cwd, app) : [];
  const text = sources.map((file) => file.text).join("\n");
  const callerClass = CALLER_SYNTHESIZERS.find((name) => text.includes(name));
  const usesDefault = !callerClass || text.includes("DefaultStackSynthesizer");
  const qualifier = resolveQualifier(context, cdkJson, text);
  const deployRole = `arn:${target.partition}:iam::${target.account}:role/cdk-${qualifier}-deploy-role-${target.account}-${target.region}`;
  const files = sources.map((file) => file.name).join(", ");
  return {
    deployRoles: usesDefault ? [deployRole] : [],
    callerDeploys: callerClass !== undefined,
    source: callerClass
      ? `${callerClass}, named in ${files}`
      : `the default one, because there is no cdk.out yet${files ? ` and ${files} names no other` : ""}`,
  };
}

function readManifest(file: string, target: Target): Omit<SynthesizerFacts, "source"> | undefined {
  let manifest: { artifacts?: Record<string, { type?: string; environment?: string; properties?: { assumeRoleArn?: string } }> };
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as typeof manifest;
  } catch {
    return undefined;
  }
  const stacks = Object.values(manifest.artifacts ?? {}).filter((artifact) => artifact.type === "aws:cloudformation:stack");
  if (stacks.length === 0) return undefined;
  const deployRoles = new Set<string>();
  let callerDeploys = false;
  for (const stack of stacks) {
    const template = stack.properties?.assumeRoleArn;
    if (!template) {
      callerDeploys = true;
      continue;
    }
    const [, account, region] = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(stack.environment ?? "") ?? [];
    deployRoles.add(
      template
        .replaceAll("${AWS::Partition}", target.partition)
        .replaceAll("${AWS::AccountId}", account && account !== "unknown-account" ? account : target.account)
        .replaceAll("${AWS::Region}", region && region !== "unknown-region" ? region : target.region),
    );
  }
  return { deployRoles: [...deployRoles], callerDeploys };
}

/** Returns the qualifier in the CDK's order (the synthesizer's prop, then the context value), then from our config and SST's. */
function resolveQualifier(context: PreflightContext, cdkJson: Record<string, unknown>, sourceText: string): string {
  const fromSource = /qualifier\s*[:=]\s*["'`]([A-Za-z0-9_-]{1,10})["'`]/.exec(sourceText)?.[1];
  const contextArg = readToolOption(context.toolArgs, ["--context", "-c"]);
  const fromArgs = contextArg?.startsWith("@aws-cdk/core:bootstrapQualifier=") ? contextArg.split("=")[1] : undefined;
  const cdkContext = cdkJson.context && typeof cdkJson.context === "object" ? (cdkJson.context as Record<string, unknown>) : {};
  const fromCdkJson = cdkContext["@aws-cdk/core:bootstrapQualifier"];
  const sstCdk = context.appConfig?.cdk as Record<string, unknown> | undefined;
  const candidates = [fromSource, fromArgs, fromCdkJson, context.config.bootstrap?.qualifier, sstCdk?.qualifier];
  return candidates.find((value): value is string => typeof value === "string" && value.length > 0) ?? DEFAULT_QUALIFIER;
}

function readAppSources(cwd: string, app: string): Array<{ name: string; text: string }> {
  const entries = app.split(/\s+/).filter((token) => /\.(m?[jt]s|c[jt]s|py|java|go|cs)$/.test(token) && isFile(path.resolve(cwd, token)));
  const seen = new Set<string>();
  const files: Array<{ name: string; text: string }> = [];
  const queue = entries.map((entry) => path.resolve(cwd, entry));
  while (queue.length > 0 && files.length < MAX_SOURCE_FILES) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readSmallFile(file);
    if (text === undefined) continue;
    files.push({ name: path.relative(cwd, file), text });
    // Only the entry files' own relative imports are followed, one level deep.
    if (entries.some((entry) => path.resolve(cwd, entry) === file)) queue.push(...relativeImports(file, text));
  }
  return files;
}

function relativeImports(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]!);
  return specifiers.flatMap((specifier) => {
    const base = path.resolve(path.dirname(file), specifier);
    const stem = base.replace(/\.(m?js|cjs)$/, "");
    const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${base}.ts`, `${base}.js`, `${base}.mjs`, path.join(base, "index.ts"), path.join(base, "index.js")];
    const found = candidates.find(isFile);
    return found ? [found] : [];
  });
}

function readCdkJson(cwd: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(cwd, "cdk.json"), "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function readSmallFile(file: string): string | undefined {
  try {
    return statSync(file).size <= MAX_SOURCE_BYTES ? readFileSync(file, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

function isDirectory(file: string): boolean {
  return existsSync(file) && statSync(file).isDirectory();
}
