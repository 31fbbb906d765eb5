// The four strategies, plus the baseline used when none is configured, each turned
// into the requirements the caller must meet.
import type { ToolName } from "../../plugin/config/schema.js";
import { assemblyResourceTypes, type CloudAssembly } from "./assembly.js";
import { baselineRequirements } from "./baseline.js";
import type { BootstrapSettings } from "./bootstrap-settings.js";
import { servicesForResourceTypes } from "./cfn-services.js";
import { readPolicyFile } from "./policy-document.js";
import type { DeployTarget, Requirement, RequirementSet } from "./requirements.js";
import { ADMIN_PROBE_ACTIONS, serviceSid, typicalActions } from "./service-actions.js";

export type StrategyName = "admin" | "services" | "policy-file" | "service-role" | "baseline";

/** A strategy that lacks an input it needs; the message names the setting to add. */
export class StrategyInputError extends Error {
  override get name(): string {
    return "StrategyInputError";
  }
}

export interface StrategyInput {
  strategy: StrategyName;
  tool: ToolName;
  command: string;
  target: DeployTarget;
  bootstrap: BootstrapSettings;
  services?: string[];
  customDomain?: boolean;
  /** Absolute path of the policy file. */
  policyFile?: string;
  extraActions?: string[];
  /** The stage's CloudFormation service role. */
  roleArn?: string;
  assembly?: CloudAssembly;
  /** Name pattern of the app's stacks when no assembly lists them, such as "dev-my-app-*". */
  stackPattern?: string;
}

/** Services every SST or CDK app deploys with: its stacks, the functions' roles and their log groups. */
export const CORE_SERVICES = ["cloudformation", "iam", "logs"];
export const CUSTOM_DOMAIN_SERVICES = ["acm", "route53", "cloudfront"];

/** Returns the requirements of `input.strategy`; throws StrategyInputError or PolicyDocumentError for bad input. */
export function buildRequirements(input: StrategyInput): RequirementSet {
  const notes: string[] = [];
  const own = strategyRequirements(input, notes);
  const extra: Requirement[] = input.extraActions?.length
    ? [{ sid: "ExtraActions", purpose: "actions listed in permissions.extraActions", actions: input.extraActions, resources: ["*"] }]
    : [];
  return { strategy: input.strategy, requirements: [...own, ...extra, ...baselineRequirements(input)], notes };
}

function strategyRequirements(input: StrategyInput, notes: string[]): Requirement[] {
  switch (input.strategy) {
    case "admin":
      return [{ sid: "AdministratorAccess", purpose: "administrator access (all actions on all resources)", actions: ADMIN_PROBE_ACTIONS, grant: ["*"], resources: ["*"] }];
    case "services":
      return servicesRequirements(input, notes);
    case "policy-file":
      return policyFileRequirements(input, notes);
    case "service-role":
      return serviceRoleRequirements(input);
    case "baseline":
      notes.push("No permissions.strategy is configured, so only the bootstrap access every deploy needs was checked.");
      return [];
  }
}

/** Returns the services of the strategy: the configured ones plus those the templates use. */
export function strategyServices(input: Pick<StrategyInput, "services" | "assembly">): { services: string[]; inferred: string[] } {
  const inferred = input.assembly ? servicesForResourceTypes(assemblyResourceTypes(input.assembly).keys()) : [];
  const services = [...new Set([...CORE_SERVICES, ...(input.services ?? []), ...inferred])];
  return { services, inferred };
}

function servicesRequirements(input: StrategyInput, notes: string[]): Requirement[] {
  const { services, inferred } = strategyServices(input);
  if (inferred.length > 0) notes.push(`services inferred from the templates in ${input.assembly!.directory}: ${inferred.join(", ")}`);
  const unlisted = inferred.filter((service) => !CORE_SERVICES.includes(service) && !(input.services ?? []).includes(service));
  if (input.services && unlisted.length > 0) notes.push(`the templates also use ${unlisted.join(", ")}, which permissions.services does not list`);

  const requirements: Requirement[] = services.map((service) => ({
    sid: serviceSid(service),
    purpose: `full access to ${service}`,
    actions: typicalActions(service),
    grant: [`${service}:*`],
    resources: ["*"],
  }));
  if (input.customDomain) requirements.push(customDomainRequirement());
  return requirements;
}

export function customDomainRequirement(): Requirement {
  return {
    sid: "ManageCustomDomain",
    purpose: "certificates, DNS records and CloudFront distributions for a custom domain",
    actions: CUSTOM_DOMAIN_SERVICES.flatMap(typicalActions),
    grant: CUSTOM_DOMAIN_SERVICES.map((service) => `${service}:*`),
    resources: ["*"],
  };
}

function policyFileRequirements(input: StrategyInput, notes: string[]): Requirement[] {
  if (!input.policyFile) throw new StrategyInputError("permissions.strategy is \"policy-file\" but permissions.policyFile is not set; set it to the policy's JSON file");
  const document = readPolicyFile(input.policyFile);
  const requirements: Requirement[] = [];
  document.Statement.forEach((statement, index) => {
    const label = statement.Sid ?? `Statement${index + 1}`;
    if (statement.Effect !== "Allow") return;
    if (!statement.Action || statement.NotResource) {
      notes.push(`${label} of ${input.policyFile} uses NotAction or NotResource, which cannot be listed as actions, so it was not checked`);
      return;
    }
    if (statement.Condition) notes.push(`${label} of ${input.policyFile} has conditions; its actions were simulated without them`);
    requirements.push({ sid: sanitizeSid(label), purpose: `${label} of the policy file`, actions: statement.Action, resources: statement.Resource ?? ["*"] });
  });
  return requirements;
}

function serviceRoleRequirements(input: StrategyInput): Requirement[] {
  if (!input.roleArn) {
    throw new StrategyInputError('permissions.strategy is "service-role" but the stage has no roleArn; set stages.<stage>.roleArn or pass --role-arn');
  }
  const { partition, account } = input.target;
  const stackArns = (input.assembly?.stacks.length ?? 0) > 0
    ? input.assembly!.stacks.map((stack) => stackArn(partition, stack.region ?? "*", stack.account ?? account, stack.name))
    : input.target.regions.map((region) => stackArn(partition, region, account, input.stackPattern ?? "*"));
  return [
    {
      sid: "ManageCloudFormationStacks",
      purpose: "create, update and delete the app's stacks through change sets",
      actions: typicalActions("cloudformation"),
      resources: [...new Set(stackArns)],
    },
    {
      sid: "PassServiceRole",
      purpose: `pass the service role ${input.roleArn} to CloudFormation`,
      actions: ["iam:PassRole"],
      resources: [input.roleArn],
      context: { "iam:PassedToService": ["cloudformation.amazonaws.com"] },
    },
  ];
}

function stackArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:cloudformation:${region}:${account}:stack/${name}/*`;
}

// Statement IDs allow only letters and digits.
function sanitizeSid(label: string): string {
  const cleaned = label.replace(/[^A-Za-z0-9]/g, "");
  return cleaned === "" ? "PolicyFileStatement" : cleaned;
}
