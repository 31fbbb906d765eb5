// Guidance for each service-role problem: the exact statement, command or setting
// that fixes it.
import type { PassingPrincipal } from "./principal.js";
import { cloudFormationTrustStatement, CLOUDFORMATION_PRINCIPAL } from "./trust.js";

export function trustGuidance(roleName: string): string[] {
  const document = { Version: "2012-10-17", Statement: [cloudFormationTrustStatement()] };
  return [
    `Add this statement to the trust policy of ${roleName}, keeping the statements it has: ${JSON.stringify(cloudFormationTrustStatement())}`,
    `For example, write the whole trust policy to trust-policy.json (such as ${JSON.stringify(document)} plus the existing statements) and run: aws iam update-assume-role-policy --role-name ${roleName} --policy-document file://trust-policy.json`,
  ];
}

/** Returns guidance for a principal that may not pass the role. */
export function passRoleGuidance(principal: PassingPrincipal, roleArn: string, reason: string): string[] {
  if (principal.kind === "deploy-role") return deployRoleGuidance(principal, roleArn);
  const statement = {
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: roleArn,
    Condition: { StringEquals: { "iam:PassedToService": CLOUDFORMATION_PRINCIPAL } },
  };
  const lines = [`Allow ${principal.label} to pass the role, with this policy statement: ${JSON.stringify(statement)}`];
  if (/boundary/.test(reason)) lines.push("The permissions boundary must allow iam:PassRole on the role as well.");
  if (/SCP/.test(reason)) lines.push("The organization's service control policy must allow it: ask the organization's administrators.");
  return lines;
}

/** Returns the two ways out when the modern bootstrap's deploy role may pass only its own cfn-exec role. */
function deployRoleGuidance(principal: PassingPrincipal, roleArn: string): string[] {
  const deployRole = principal.simulationArn ?? principal.label;
  const match = /cdk-([A-Za-z0-9_-]+)-deploy-role-(\d{12})-([a-z0-9-]+)$/.exec(deployRole);
  const [, qualifier = "hnb659fds", account = "ACCOUNT", region = "REGION"] = match ?? [];
  const qualifierFlag = qualifier === "hnb659fds" ? "" : ` --qualifier ${qualifier}`;
  return [
    `Way 1, let the deploy role pass it: run npx cdk bootstrap --show-template > bootstrap-template.yaml, add ${roleArn} to the Resource of the iam:PassRole statement in the DeploymentActionRole policy, then run npx cdk bootstrap aws://${account}/${region}${qualifierFlag} --template bootstrap-template.yaml.`,
    `Way 2, use the synthesizer's CloudFormation execution role instead of --role-arn: remove roleArn for this stage and give the bootstrap's execution role cdk-${qualifier}-cfn-exec-role-${account}-${region}, which the deploy role may pass, the permissions of ${roleArn}: npx cdk bootstrap aws://${account}/${region}${qualifierFlag} --cloudformation-execution-policies <policy ARN>.`,
    "Setting DefaultStackSynthesizer's cloudFormationExecutionRole to another role needs way 1 too, because the deploy role still passes it.",
  ];
}

export function crossAccountGuidance(roleArn: string, roleAccount: string, targetAccount: string): string[] {
  return [
    `Use a service role in account ${targetAccount}, such as arn:aws:iam::${targetAccount}:role/${roleArn.slice(roleArn.lastIndexOf("/") + 1)}.`,
    `Or deploy to account ${roleAccount} with credentials for that account.`,
  ];
}

/** Builds the warning for SST v2's `role` or `--role` used as if CloudFormation would assume it. */
export function sstRoleMisuseLines(setting: { value: string; origin: string }, stageKey: string): { summary: string; details: string[]; guidance: string[] } {
  return {
    summary: `${setting.origin} is not a CloudFormation service role; SST v2 does not give it to CloudFormation`,
    details: [
      `${setting.origin}: ${setting.value}`,
      "SST v2 passes role to the AWS SDK's credential chain, where only web identity credentials (AWS_WEB_IDENTITY_TOKEN_FILE) read it.",
      "Every call is still signed with your own credentials, and CloudFormation uses the bootstrap's cfn-exec role.",
      "The role CloudFormation uses is cdk.cloudFormationExecutionRole in the config SST receives.",
    ],
    guidance: [
      `Set ${stageKey}.roleArn to ${setting.value} in the sst-preflight configuration: preflight() checks it and injects it as cdk.cloudFormationExecutionRole (SST 2.49.4 or later).`,
      `Then remove ${setting.origin.startsWith("--role") ? "--role from the command" : "role from config()"}.`,
    ],
  };
}
