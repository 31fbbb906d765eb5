// Turns the caller identity into the IAM entity a simulation can evaluate. An
// assumed-role session ARN has no role path, so the role's ARN comes from iam:GetRole.
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { AwsCallError, callAws } from "../../plugin/aws/call.js";
import type { PreflightContext } from "../../plugin/runner/types.js";

export type SimulationPrincipal =
  | {
      kind: "entity";
      /** ARN for PolicySourceArn, including the IAM path. */
      arn: string;
      type: "user" | "role";
      name: string;
      account: string;
      partition: string;
      /** Set when the ARN could not be confirmed, such as a role path that GetRole could not read. */
      note?: string;
    }
  | { kind: "root"; account: string }
  | { kind: "unsupported"; reason: string };

type PrincipalContext = Pick<PreflightContext, "aws" | "signal" | "awsCallTimeoutMs">;

/** Maps a caller ARN from sts:GetCallerIdentity to the user or role whose policies apply. */
export async function resolveSimulationPrincipal(context: PrincipalContext, callerArn: string): Promise<SimulationPrincipal> {
  const match = /^arn:([\w-]+):(iam|sts)::(\d{12}):(.+)$/.exec(callerArn);
  if (!match) return { kind: "unsupported", reason: `the caller ARN ${callerArn} is not an IAM or STS ARN` };
  const [, partition = "aws", service, account = "", resource = ""] = match;

  if (service === "iam" && resource === "root") return { kind: "root", account };
  if (resource.startsWith("user/")) {
    const name = resource.slice(resource.lastIndexOf("/") + 1);
    // The user ARN from GetCallerIdentity already carries the path.
    return { kind: "entity", arn: `arn:${partition}:iam::${account}:${resource}`, type: "user", name, account, partition };
  }
  if (service === "sts" && resource.startsWith("assumed-role/")) {
    const roleName = resource.split("/")[1] ?? "";
    return resolveRole(context, partition, account, roleName);
  }
  if (service === "iam" && resource.startsWith("role/")) {
    const name = resource.slice(resource.lastIndexOf("/") + 1);
    return { kind: "entity", arn: callerArn, type: "role", name, account, partition };
  }
  if (resource.startsWith("federated-user/")) {
    return { kind: "unsupported", reason: `${callerArn} is a federated user (sts:GetFederationToken), whose session policy the simulation cannot evaluate` };
  }
  return { kind: "unsupported", reason: `the caller ${callerArn} is neither an IAM user nor a role session` };
}

async function resolveRole(context: PrincipalContext, partition: string, account: string, roleName: string): Promise<SimulationPrincipal> {
  const pathless = `arn:${partition}:iam::${account}:role/${roleName}`;
  try {
    const iam = await context.aws.iam();
    const output = await callAws("iam:GetRole", (abortSignal) => iam.send(new GetRoleCommand({ RoleName: roleName }), { abortSignal }), {
      timeoutMs: context.awsCallTimeoutMs,
      signal: context.signal,
    });
    const arn = output.Role?.Arn ?? pathless;
    return { kind: "entity", arn, type: "role", name: roleName, account, partition };
  } catch (error) {
    if (!(error instanceof AwsCallError) || (error.kind !== "access-denied" && error.kind !== "not-found")) throw error;
    // Most roles have no path, so the ARN without one is usually right. When it is wrong,
    // the simulation fails with NoSuchEntity and the actions are reported as not checked.
    const reason = error.kind === "access-denied" ? "iam:GetRole was denied" : "iam:GetRole did not find the role";
    return {
      kind: "entity",
      arn: pathless,
      type: "role",
      name: roleName,
      account,
      partition,
      note: `${reason}, so the role's path is unknown and ${pathless} is simulated`,
    };
  }
}
