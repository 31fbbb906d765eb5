// `sst-preflight policy`: print the IAM policies a deployer needs for a strategy, or
// for the templates of a cloud assembly (the caller's part and the service role's part).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AssemblyError, readCloudAssembly, type CloudAssembly } from "../../../hooks/permissions/assembly.js";
import { readBootstrapSettings } from "../../../hooks/permissions/bootstrap-settings.js";
import { partitionOf } from "../../../hooks/permissions/plan.js";
import { PolicyDocumentError } from "../../../hooks/permissions/policy-document.js";
import { policiesForAssembly, policiesForStrategy, type PolicySet } from "../../../hooks/permissions/policy-sets.js";
import { formatPolicy } from "../../../hooks/permissions/policy-writer.js";
import { StrategyInputError, type StrategyInput, type StrategyName } from "../../../hooks/permissions/strategies.js";
import { AwsClients } from "../../aws/clients.js";
import { loadConfig } from "../../config/load.js";
import type { PreflightConfig, ToolName } from "../../config/schema.js";
import { configError, isPreflightError, usageError } from "../../errors.js";
import { stageSettings } from "../../runner/session.js";
import { detectTool } from "../../tools/detect.js";
import type { ExtraCommand } from "../main.js";

const STRATEGIES = ["admin", "services", "policy-file", "service-role"] as const;
const CALL_TIMEOUT_MS = 10_000;

export const run: ExtraCommand = async (input) => {
  const { options } = input;
  const extra = options.extra;
  const { config } = await loadConfig(input.cwd, options.config);
  const permissions = config.permissions ?? {};

  const strategyText = text(extra.strategy, "strategy") ?? permissions.strategy;
  if (strategyText !== undefined && !(STRATEGIES as readonly string[]).includes(strategyText)) {
    throw usageError(`Invalid --strategy "${strategyText}"`, [`Expected one of: ${STRATEGIES.join(", ")}.`]);
  }
  const format = text(extra.format, "format") ?? "text";
  if (format !== "text" && format !== "json") throw usageError(`Invalid --format "${format}"`, ["Expected text or json."]);

  const cdkOut = text(extra["cdk-out"], "cdk-out");
  const assembly = cdkOut ? readAssembly(path.resolve(input.cwd, cdkOut)) : undefined;
  if (!strategyText && !assembly) {
    throw usageError("Tell sst-preflight policy what to print", [
      `Pass --strategy ${STRATEGIES.join("|")}, or --cdk-out cdk.out for the policies of synthesized templates.`,
      "Example: sst-preflight policy --strategy services --services lambda,dynamodb,apigateway --custom-domain",
    ]);
  }

  const strategyInput = buildInput(input.cwd, options, config, (strategyText ?? "service-role") as StrategyName, assembly);
  let result: PolicySet;
  const context = assembly && !options.offline ? await registryContext(options, input.signal) : undefined;
  try {
    result = assembly && (!strategyText || strategyText === "service-role")
      ? await policiesForAssembly(strategyInput, context)
      : policiesForStrategy(strategyInput);
  } catch (error) {
    if (error instanceof StrategyInputError || error instanceof PolicyDocumentError) throw configError(error.message);
    throw error;
  } finally {
    await context?.aws.destroy();
  }

  const output = text(extra.output, "output");
  if (output) return writeFiles(path.resolve(input.cwd, output), result, input.write);
  process.stdout.write(format === "json" ? `${JSON.stringify(toJson(result), null, 2)}\n` : renderText(result));
  return 0;
};

function buildInput(cwd: string, options: Parameters<ExtraCommand>[0]["options"], config: PreflightConfig, strategy: StrategyName, assembly: CloudAssembly | undefined): StrategyInput {
  const extra = options.extra;
  const permissions = config.permissions ?? {};
  const stage = stageSettings(config, options.stage ?? config.defaultStage);
  const servicesText = text(extra.services, "services");
  const services = servicesText !== undefined ? parseServices(servicesText) : permissions.services;
  const policyFile = text(extra["policy-file"], "policy-file") ?? permissions.policyFile;
  const roleArn = options.roleArn ?? stage.roleArn;
  const regions = unique([options.region, ...(stage.regions ?? []), ...(config.bootstrap?.regions ?? []), ...(assembly?.stacks.map((stack) => stack.region) ?? [])]);
  const accounts = unique([...(stage.accounts ?? []), ...(assembly?.stacks.map((stack) => stack.account) ?? [])]);
  // The role's ARN names the account when nothing else does.
  const roleAccount = /^arn:[\w-]+:iam::(\d{12}):role\//.exec(roleArn ?? "")?.[1];
  if (accounts.length === 0 && roleAccount) accounts.push(roleAccount);
  // Without one known account or region, the ARNs keep a wildcard in its place.
  const account = accounts.length === 1 ? accounts[0]! : "*";
  const targetRegions = regions.length > 0 ? regions : ["*"];

  return {
    strategy,
    tool: toolOf(cwd, options.tool ?? config.tool),
    command: options.command ?? "deploy",
    target: { account, regions: targetRegions, partition: partitionOf(targetRegions[0]!) },
    bootstrap: readBootstrapSettings(cwd, config),
    ...(services ? { services } : {}),
    ...(extra["custom-domain"] === true || (extra["custom-domain"] === undefined && permissions.customDomain) ? { customDomain: true } : {}),
    ...(policyFile ? { policyFile: path.resolve(cwd, policyFile) } : {}),
    ...(permissions.extraActions ? { extraActions: permissions.extraActions } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(assembly ? { assembly } : {}),
  };
}

function parseServices(value: string): string[] {
  const services = value.split(",").map((service) => service.trim().toLowerCase()).filter(Boolean);
  const invalid = services.find((service) => !/^[a-z0-9-]+$/.test(service));
  if (services.length === 0 || invalid !== undefined) {
    throw usageError(`Invalid --services "${value}"`, ["Expected IAM service prefixes separated by commas, such as lambda,dynamodb,apigateway."]);
  }
  return services;
}

function readAssembly(directory: string): CloudAssembly {
  try {
    const assembly = readCloudAssembly(directory);
    if (!assembly) throw usageError(`No cloud assembly in ${directory}: manifest.json is missing`, ["Synthesize first (npx cdk synth), or point --cdk-out at the folder that contains manifest.json."]);
    return assembly;
  } catch (error) {
    if (error instanceof AssemblyError) throw configError(error.message);
    throw error;
  }
}

// The registry is read with the SDK's own credential chain, with --profile when given.
async function registryContext(options: Parameters<ExtraCommand>[0]["options"], signal: AbortSignal) {
  const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
  const aws = new AwsClients({
    requestTimeoutMs: CALL_TIMEOUT_MS,
    ...(options.region ? { defaultRegion: options.region } : {}),
    credentials: fromNodeProviderChain({ ...(options.profile ? { profile: options.profile } : {}) }),
  });
  return { aws, signal, awsCallTimeoutMs: CALL_TIMEOUT_MS };
}

function toolOf(cwd: string, forced: ToolName | undefined): ToolName {
  try {
    return detectTool(cwd, forced).name;
  } catch (error) {
    // Outside a project the CDK's bootstrap is the most common one to describe.
    if (isPreflightError(error)) return "cdk";
    throw error;
  }
}

function renderText(result: PolicySet): string {
  const lines: string[] = [];
  result.policies.forEach((named, index) => {
    lines.push(`# Policy ${index + 1} of ${result.policies.length}: ${named.name} (attach to the ${named.attachTo === "caller" ? "deploying user or role" : "CloudFormation service role"})`);
    lines.push(`# ${named.description}`, formatPolicy(named.policy), "");
  });
  for (const note of result.notes) lines.push(`# note: ${note}`);
  if (result.notes.length > 0) lines.push("");
  return `${lines.join("\n")}`;
}

function toJson(result: PolicySet) {
  return {
    strategy: result.strategy,
    policies: result.policies.map((named) => ({ name: named.name, attachTo: named.attachTo, description: named.description, document: named.policy })),
    notes: result.notes,
  };
}

function writeFiles(directory: string, result: PolicySet, write: (text: string) => void): number {
  mkdirSync(directory, { recursive: true });
  for (const named of result.policies) {
    const file = path.join(directory, `${named.name}.json`);
    writeFileSync(file, `${formatPolicy(named.policy)}\n`);
    const attach = named.attachTo === "caller" ? "the deploying user or role" : "the CloudFormation service role";
    process.stdout.write(`${file}\n`);
    write(`wrote ${named.name} for ${attach}: aws iam create-policy --policy-name sst-preflight-${named.name} --policy-document file://${file}\n`);
  }
  for (const note of result.notes) write(`note: ${note}\n`);
  return 0;
}

function text(value: string | boolean | undefined, name: string): string | undefined {
  if (value === true) throw usageError(`Option --${name} needs a value`);
  return value === false ? undefined : value;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined && value !== ""))];
}
