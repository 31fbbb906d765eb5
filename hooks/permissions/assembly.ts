// Reads a synthesized cloud assembly (cdk.out): its stacks, their environments and
// the resource types in their templates, following nested assemblies of CDK stages.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface AssemblyStack {
  name: string;
  /** Account from the stack's environment, undefined when environment-agnostic. */
  account?: string;
  region?: string;
  /** Number of resources per CloudFormation type, such as "AWS::Lambda::Function". */
  resourceTypes: Map<string, number>;
}

export interface CloudAssembly {
  directory: string;
  stacks: AssemblyStack[];
}

/** A cloud assembly that exists but cannot be read; the message names the file. */
export class AssemblyError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}. Delete the folder and synthesize again (npx cdk synth, or sst build for SST v2).`);
  }

  override get name(): string {
    return "AssemblyError";
  }
}

interface ManifestArtifact {
  type?: unknown;
  environment?: unknown;
  properties?: { templateFile?: unknown; stackName?: unknown; directoryName?: unknown };
}

/** Returns the assembly in `directory`, undefined when it has no manifest.json, or throws AssemblyError. */
export function readCloudAssembly(directory: string): CloudAssembly | undefined {
  if (!existsSync(path.join(directory, "manifest.json"))) return undefined;
  return { directory, stacks: readStacks(directory, 0) };
}

// CDK stages nest assemblies; real apps nest one or two levels, so a deeper chain is a loop.
const MAX_NESTING = 8;

function readStacks(directory: string, depth: number): AssemblyStack[] {
  const manifestFile = path.join(directory, "manifest.json");
  if (depth > MAX_NESTING) throw new AssemblyError(manifestFile, `nested assemblies go deeper than ${MAX_NESTING} levels`);
  const artifacts = (readJson(manifestFile) as { artifacts?: unknown } | null)?.artifacts ?? {};
  if (typeof artifacts !== "object" || artifacts === null || Array.isArray(artifacts)) {
    throw new AssemblyError(manifestFile, `"artifacts" must be an object, got ${JSON.stringify(artifacts).slice(0, 60)}`);
  }

  const stacks: AssemblyStack[] = [];
  for (const [id, value] of Object.entries(artifacts as Record<string, ManifestArtifact | null>)) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AssemblyError(manifestFile, `artifact "${id}" must be an object`);
    const properties = typeof value.properties === "object" && value.properties !== null ? value.properties : {};
    if (value.type === "cdk:cloud-assembly" && typeof properties.directoryName === "string") {
      stacks.push(...readStacks(path.join(directory, properties.directoryName), depth + 1));
      continue;
    }
    if (value.type !== "aws:cloudformation:stack") continue;
    if (typeof properties.templateFile !== "string") {
      throw new AssemblyError(manifestFile, `artifact "${id}" has no properties.templateFile`);
    }
    const name = typeof properties.stackName === "string" ? properties.stackName : id;
    stacks.push({ name, ...parseEnvironment(value.environment), resourceTypes: readResourceTypes(path.join(directory, properties.templateFile)) });
  }
  return stacks;
}

function readResourceTypes(templateFile: string): Map<string, number> {
  const resources = (readJson(templateFile) as { Resources?: unknown } | null)?.Resources ?? {};
  const counts = new Map<string, number>();
  if (typeof resources !== "object" || resources === null) throw new AssemblyError(templateFile, '"Resources" must be an object');
  for (const [logicalId, resource] of Object.entries(resources as Record<string, { Type?: unknown }>)) {
    if (typeof resource?.Type !== "string") throw new AssemblyError(templateFile, `resource "${logicalId}" has no Type`);
    counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  return counts;
}

// Environments look like aws://123456789012/eu-west-1, with unknown-account or
// unknown-region for environment-agnostic stacks.
function parseEnvironment(environment: unknown): { account?: string; region?: string } {
  const match = typeof environment === "string" ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment) : null;
  if (!match) return {};
  const [, account = "", region = ""] = match;
  return {
    ...(/^\d{12}$/.test(account) ? { account } : {}),
    ...(region !== "unknown-region" ? { region } : {}),
  };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new AssemblyError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AssemblyError(file, `is not valid JSON (${(error as Error).message})`);
  }
}

/** Returns every resource type of the assembly with its total count, sorted by type. */
export function assemblyResourceTypes(assembly: CloudAssembly): Map<string, number> {
  const totals = new Map<string, number>();
  for (const stack of assembly.stacks) {
    for (const [type, count] of stack.resourceTypes) totals.set(type, (totals.get(type) ?? 0) + count);
  }
  return new Map([...totals].sort(([a], [b]) => a.localeCompare(b)));
}
