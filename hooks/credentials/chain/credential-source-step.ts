// Builds the step of a role profile whose source credentials come from credential_source,
// and checks that what that source needs is there.
import type { Finding } from "../findings.js";
import type { StepResult } from "./profile-steps.js";
import { locateKey, type CredentialSetup } from "./setup.js";

export const CREDENTIAL_SOURCES = ["EcsContainer", "Ec2InstanceMetadata", "Environment"];

export function credentialSourceStep(setup: CredentialSetup, profile: string, source: string): StepResult {
  const where = locateKey(setup, profile, "credential_source");
  const problems: Finding[] = [];
  const env = setup.env;
  if (!CREDENTIAL_SOURCES.includes(source)) {
    problems.push({
      code: "invalid-credential-source",
      severity: "error",
      message: `credential_source = ${source} in profile ${profile} is not supported`,
      profile,
      ...where,
      fix: `Use one of ${CREDENTIAL_SOURCES.join(", ")} (the names are case-sensitive).`,
    });
  } else if (source === "Environment" && !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) {
    problems.push({
      code: "credential-source-environment-empty",
      severity: "error",
      message: `profile ${profile} takes its source credentials from the environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set`,
      profile,
      ...where,
      fix: "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or change credential_source.",
    });
  } else if (source === "EcsContainer" && !env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    problems.push({
      code: "credential-source-container-missing",
      severity: "error",
      message: `profile ${profile} uses credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
      profile,
      ...where,
      fix: "Run inside ECS or CodeBuild, or start a credentials server such as aws-vault exec --ecs-server.",
    });
  } else if (source === "Ec2InstanceMetadata" && metadataDisabled(env)) {
    problems.push({
      code: "credential-source-metadata-disabled",
      severity: "error",
      message: `profile ${profile} uses credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is set`,
      profile,
      ...where,
      fix: "Unset AWS_EC2_METADATA_DISABLED on EC2, or use another credential_source.",
    });
  }
  return { step: { kind: "credential-source", description: `${describeSource(source)} (credential_source of profile ${profile})`, profile, ...where, credentialSource: source }, problems };
}

function describeSource(source: string): string {
  if (source === "Environment") return "keys from the environment";
  if (source === "EcsContainer") return "container credentials";
  if (source === "Ec2InstanceMetadata") return "instance metadata credentials";
  return `credential source ${source}`;
}

export function metadataDisabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.AWS_EC2_METADATA_DISABLED;
  return Boolean(value) && value !== "false";
}
