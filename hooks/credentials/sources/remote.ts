// Steps for credentials that come from outside the shared files: environment keys,
// a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN), a container
// credentials endpoint (ECS, or aws-vault --ecs-server) and the instance metadata
// service. Only local facts are checked here; nothing is fetched.
import { existsSync } from "node:fs";
import type { ChainStep } from "../chain/types.js";
import type { Finding } from "../findings.js";
import { maskAccessKeyId } from "../mask.js";

export interface SourceResult {
  step: ChainStep;
  problems: Finding[];
}

export function environmentKeysStep(env: NodeJS.ProcessEnv): SourceResult {
  const keyId = env.AWS_ACCESS_KEY_ID || env.AMAZON_ACCESS_KEY_ID;
  const token = Boolean(env.AWS_SESSION_TOKEN || env.AMAZON_SESSION_TOKEN);
  const masked = maskAccessKeyId(keyId);
  const vault = env.AWS_VAULT ? ` exported by aws-vault (${env.AWS_VAULT})` : "";
  return {
    step: {
      kind: "environment-keys",
      description: `${token ? "session keys" : "static keys"} from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY${vault}`,
      ...(masked ? { accessKeyId: masked } : {}),
      sessionToken: token,
    },
    problems: [],
  };
}

/** `roleArn` overrides AWS_ROLE_ARN, as SST v2 does with its `role` setting. */
export function webIdentityEnvStep(env: NodeJS.ProcessEnv, roleArn?: string): SourceResult {
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE ?? "";
  const role = roleArn ?? env.AWS_ROLE_ARN;
  const problems: Finding[] = [];
  if (!role) {
    problems.push({
      code: "web-identity-without-role",
      severity: "error",
      message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not, so the SDK skips web identity credentials",
      fix: "Export AWS_ROLE_ARN with the role to assume, as aws-actions/configure-aws-credentials does.",
    });
  }
  if (!existsSync(tokenFile)) {
    problems.push({
      code: "web-identity-token-missing",
      severity: "error",
      message: `AWS_WEB_IDENTITY_TOKEN_FILE points to ${tokenFile}, which does not exist`,
      fix: "Point AWS_WEB_IDENTITY_TOKEN_FILE to the OIDC token file your platform writes.",
    });
  }
  return {
    step: {
      kind: "web-identity",
      description: `assume role ${role ?? "(AWS_ROLE_ARN is not set)"} with the web identity token in ${tokenFile}`,
      ...(role ? { roleArn: role } : {}),
      tokenFile,
      ...(env.AWS_ROLE_SESSION_NAME ? { roleSessionName: env.AWS_ROLE_SESSION_NAME } : {}),
    },
    problems,
  };
}

const CONTAINER_HOSTS = new Set(["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"]);

/** Checks the container endpoint the way the SDK's fromHttp does before it connects. */
export function containerStep(env: NodeJS.ProcessEnv): SourceResult {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const uri = relative ? `http://169.254.170.2${relative}` : (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "");
  const problems: Finding[] = [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri);
  } catch {
    problems.push({ code: "container-uri-invalid", severity: "error", message: `AWS_CONTAINER_CREDENTIALS_FULL_URI = ${uri} is not a URL`, fix: "Set it to the credentials endpoint, such as http://127.0.0.1:<port>/." });
  }
  if (parsed && parsed.protocol !== "https:" && !CONTAINER_HOSTS.has(parsed.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(parsed.hostname)) {
    problems.push({
      code: "container-uri-not-allowed",
      severity: "error",
      message: `the SDK accepts container credentials only over https or from loopback and the ECS or EKS hosts, not from ${uri}`,
      fix: "Use an https URL or a loopback address.",
    });
  }
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  if (tokenFile && !existsSync(tokenFile)) {
    problems.push({ code: "container-token-file-missing", severity: "error", message: `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE points to ${tokenFile}, which does not exist`, fix: "Fix the path or unset the variable." });
  }
  const vault = env.AWS_VAULT ? ` served by aws-vault --ecs-server (${env.AWS_VAULT})` : "";
  return { step: { kind: "container", description: `container credentials from ${uri}${vault}`, uri }, problems };
}

export function instanceMetadataStep(): SourceResult {
  return { step: { kind: "instance-metadata", description: "instance role credentials from the EC2 instance metadata service (works only on EC2)" }, problems: [] };
}
