// Reads a synthesized cloud assembly (manifest.json) for the environments the app
// deploys to and the bootstrap versions its stacks and assets require. The CDK CLI
// reads the same fields: `environment`, `requiresBootstrapStackVersion` and
// `bootstrapStackVersionSsmParameter` of each stack and asset-manifest artifact.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

/** One stack or asset manifest that needs a bootstrapped environment. */
export interface AssemblyArtifact {
  id: string;
  kind: "stack" | "assets";
  /** Undefined for an environment-agnostic artifact (`unknown-account`, `unknown-region`). */
  account?: string;
  region?: string;
  requiresVersion?: number;
  parameterName?: string;
  /** Set for stacks whose template needs us-east-1, saying why. */
  needsUsEast1?: string;
}

export type AssemblyRead =
  | { kind: "none"; label: string }
  | { kind: "invalid"; label: string; problem: string }
  | { kind: "read"; label: string; writtenAt: Date; artifacts: AssemblyArtifact[] };

const MAX_NESTING = 5;

/** Reads `<directory>/manifest.json` and the nested assemblies of CDK stages. */
export function readCloudAssembly(cwd: string, directory: string): AssemblyRead {
  const absolute = path.resolve(cwd, directory);
  const file = path.join(absolute, "manifest.json");
  const label = path.relative(cwd, file) || file;
  let writtenAt: Date;
  try {
    writtenAt = statSync(file).mtime;
  } catch {
    return { kind: "none", label };
  }
  try {
    const artifacts: AssemblyArtifact[] = [];
    collectArtifacts(absolute, artifacts, 0);
    return { kind: "read", label, writtenAt, artifacts };
  } catch (error) {
    return { kind: "invalid", label, problem: (error as Error).message };
  }
}

function collectArtifacts(directory: string, into: AssemblyArtifact[], depth: number): void {
  const file = path.join(directory, "manifest.json");
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const artifacts = (manifest as { artifacts?: unknown } | null)?.artifacts;
  if (artifacts === undefined) return;
  if (!artifacts || typeof artifacts !== "object" || Array.isArray(artifacts)) {
    throw new Error(`${file}: "artifacts" must be an object, got ${JSON.stringify(artifacts)}`);
  }

  for (const [id, value] of Object.entries(artifacts as Record<string, unknown>)) {
    const artifact = (value ?? {}) as { type?: unknown; environment?: unknown; properties?: Record<string, unknown> };
    const properties = artifact.properties ?? {};
    if (artifact.type === "cdk:cloud-assembly" && typeof properties.directoryName === "string" && depth < MAX_NESTING) {
      collectArtifacts(path.join(directory, properties.directoryName), into, depth + 1);
      continue;
    }
    const kind = artifactKind(artifact.type);
    if (!kind) continue;
    // Asset manifests of aws-cdk-lib 2.224 carry no environment; their stack lists the same requirement.
    if (kind === "assets" && artifact.environment === undefined) continue;

    const entry: AssemblyArtifact = { id, kind, ...parseEnvironment(artifact.environment, file, id) };
    const requires = properties.requiresBootstrapStackVersion;
    if (requires !== undefined) {
      if (typeof requires !== "number" || !Number.isInteger(requires)) {
        throw new Error(`${file}: artifact ${id} has requiresBootstrapStackVersion ${JSON.stringify(requires)}, expected an integer`);
      }
      entry.requiresVersion = requires;
    }
    if (typeof properties.bootstrapStackVersionSsmParameter === "string") entry.parameterName = properties.bootstrapStackVersionSsmParameter;
    if (kind === "stack" && entry.region !== "us-east-1" && typeof properties.templateFile === "string") {
      const reason = usEast1Need(path.join(directory, properties.templateFile));
      if (reason) entry.needsUsEast1 = reason;
    }
    into.push(entry);
  }
}

function artifactKind(type: unknown): AssemblyArtifact["kind"] | undefined {
  if (type === "aws:cloudformation:stack") return "stack";
  if (type === "cdk:asset-manifest") return "assets";
  return undefined;
}

function parseEnvironment(value: unknown, file: string, id: string): { account?: string; region?: string } {
  if (value === undefined) return {};
  const match = typeof value === "string" ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(value) : null;
  if (!match) throw new Error(`${file}: artifact ${id} has environment ${JSON.stringify(value)}, expected "aws://ACCOUNT/REGION"`);
  const account = match[1] === "unknown-account" ? undefined : match[1];
  const region = match[2] === "unknown-region" ? undefined : match[2];
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

// Lambda@Edge functions and CloudFront certificates live in us-east-1 whatever the
// stack's region. A text search is enough to spot them and avoids parsing large templates.
const US_EAST_1_MARKERS: Array<[RegExp, string]> = [
  [/"LambdaFunctionAssociations"\s*:\s*\[\s*\{/, "a CloudFront distribution with Lambda@Edge functions"],
  [/"Type"\s*:\s*"Custom::SSTEdgeLambda/, "an SST EdgeFunction"],
  [/"Region"\s*:\s*"us-east-1"/, "a resource created in us-east-1, such as a certificate for CloudFront"],
];

function usEast1Need(templateFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(templateFile, "utf8");
  } catch {
    return undefined;
  }
  return US_EAST_1_MARKERS.find(([pattern]) => pattern.test(text))?.[1];
}
