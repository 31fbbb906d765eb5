// The documents the `policy` command prints: per strategy the policies a team attaches,
// and for a cloud assembly the caller's part and the service role's part.
import { assemblyResourceTypes } from "./assembly.js";
import { baselineRequirements } from "./baseline.js";
import { writePolicy, type WrittenPolicy } from "./policy-writer.js";
import { handlerPermissions, type HandlerPermissions } from "./registry.js";
import type { Requirement } from "./requirements.js";
import { serviceSid } from "./service-actions.js";
import { buildRequirements, CUSTOM_DOMAIN_SERVICES, type StrategyInput } from "./strategies.js";

export interface NamedPolicy {
  /** File and policy name, such as "deployer" or "custom-domain". */
  name: string;
  attachTo: "caller" | "service-role";
  description: string;
  policy: WrittenPolicy;
}

export interface PolicySet {
  strategy: string;
  policies: NamedPolicy[];
  notes: string[];
}

type RegistryContext = Parameters<typeof handlerPermissions>[0];

const CUSTOM_DOMAIN_SID = "ManageCustomDomain";

/** Returns the policies of a strategy; throws StrategyInputError or PolicyDocumentError for bad input. */
export function policiesForStrategy(input: StrategyInput): PolicySet {
  const set = buildRequirements(input);
  const notes = [...set.notes];
  if (input.strategy === "admin") {
    notes.push("Attach the AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess; the document below is equivalent.");
    const admin = set.requirements.filter((requirement) => requirement.sid === "AdministratorAccess");
    return { strategy: "admin", policies: [caller("administrator", "administrator access", admin)], notes };
  }

  const own = set.requirements.filter((requirement) => requirement.sid !== CUSTOM_DOMAIN_SID);
  const policies = [caller("deployer", describeStrategy(input), own)];
  if (input.strategy === "service-role") {
    const role = serviceRoleByServices(input);
    if (role) policies.push(role);
    else notes.push("The service role's own policy is not printed: pass --services, or --cdk-out for the handler permissions of the templates.");
  }
  const customDomain = set.requirements.filter((requirement) => requirement.sid === CUSTOM_DOMAIN_SID);
  if (customDomain.length > 0) policies.push(caller("custom-domain", "the custom-domain addition: ACM certificates, Route 53 records, CloudFront", customDomain));
  return { strategy: input.strategy, policies, notes };
}

/**
 * Returns the policies for the templates of `input.assembly`: the caller's part (the
 * stacks, the bootstrap, passing the role) and the role's part (the handler permissions
 * of every resource type). `context` undefined means offline.
 */
export async function policiesForAssembly(input: StrategyInput, context: RegistryContext): Promise<PolicySet> {
  const assembly = input.assembly;
  if (!assembly) throw new Error("policiesForAssembly needs a cloud assembly");
  const notes: string[] = [];
  const callerSet = input.roleArn ? buildRequirements({ ...input, strategy: "service-role" }) : undefined;
  const callerRequirements = callerSet?.requirements ?? [...stackRequirements(input), ...baselineRequirements(input)];
  if (!input.roleArn) notes.push("No service role is set (--role-arn or the stage's roleArn), so the caller's part covers the stacks and the bootstrap, without iam:PassRole.");

  const types = [...assemblyResourceTypes(assembly).keys()];
  const region = input.target.regions.find((candidate) => candidate !== "*") ?? "us-east-1";
  const permissions = await Promise.all(types.map((type) => handlerPermissions(context, region, type)));
  for (const entry of permissions) if (entry.source === "coarse" && entry.actions.length > 0) notes.push(`${entry.type}: ${entry.actions.join(", ")} (coarse: ${entry.note})`);

  return {
    strategy: "cloud assembly",
    policies: [
      caller("deployer", `the caller's part for the stacks in ${assembly.directory}`, callerRequirements),
      { name: "service-role", attachTo: "service-role", description: `the service role's part: handler permissions of ${types.length} resource types`, policy: writePolicy(roleRequirements(permissions)) },
    ],
    notes,
  };
}

// The role creates the resources, so it gets full access to the app's services.
function serviceRoleByServices(input: StrategyInput): NamedPolicy | undefined {
  if (!input.services?.length) return undefined;
  const services = [...new Set(["iam", "logs", ...input.services, ...(input.customDomain ? CUSTOM_DOMAIN_SERVICES : [])])];
  const requirements = services.map((service) => ({ sid: serviceSid(service), purpose: `full access to ${service}`, actions: [`${service}:*`], resources: ["*"] }));
  return { name: "service-role", attachTo: "service-role", description: `the service role's part: full access to ${services.join(", ")}`, policy: writePolicy(requirements) };
}

function roleRequirements(permissions: HandlerPermissions[]): Requirement[] {
  return permissions
    .filter((entry) => entry.actions.length > 0)
    .map((entry) => ({ sid: `Manage${entry.type.replace(/^AWS::/, "").replace(/[^A-Za-z0-9]/g, "")}`, purpose: `handlers of ${entry.type}`, actions: entry.actions, resources: ["*"] }));
}

function stackRequirements(input: StrategyInput): Requirement[] {
  const placeholderRole = `arn:${input.target.partition}:iam::${input.target.account}:role/*`;
  return buildRequirements({ ...input, strategy: "service-role", roleArn: placeholderRole }).requirements.filter((requirement) => requirement.sid === "ManageCloudFormationStacks");
}

function caller(name: string, description: string, requirements: Requirement[]): NamedPolicy {
  return { name, attachTo: "caller", description, policy: writePolicy(requirements) };
}

function describeStrategy(input: StrategyInput): string {
  switch (input.strategy) {
    case "services":
      return "CloudFormation, IAM and CloudWatch Logs, the listed services, and the bootstrap";
    case "policy-file":
      return `the statements of ${input.policyFile}, and the bootstrap`;
    case "service-role":
      return `the app's stacks, the bootstrap, and passing ${input.roleArn ?? "the service role"}`;
    default:
      return "the bootstrap access every deploy needs";
  }
}
