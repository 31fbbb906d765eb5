// Parses the ARN of a CloudFormation service role and explains the usual mistakes:
// a bare role name, a session ARN, a user ARN, a region in an IAM ARN.

/** A role ARN split into its parts. */
export interface RoleArn {
  arn: string;
  partition: string;
  account: string;
  /** IAM path, "/" when the role has none. */
  path: string;
  name: string;
}

export type RoleArnParse = { ok: true; role: RoleArn } | { ok: false; problem: string; fix: string };

const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];
// IAM role names: 1 to 64 characters of letters, digits and +=,.@_-.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// IAM path segments: printable ASCII without "/"; the whole path is at most 512 characters.
const PATH_SEGMENT = /^[!-.0-~]+$/;
const EXAMPLE = "arn:aws:iam::111111111111:role/cfn-deployer";

export function parseRoleArn(value: string): RoleArnParse {
  const invalid = (problem: string, fix: string): RoleArnParse => ({ ok: false, problem, fix });

  if (value.trim() !== value) return invalid("has spaces before or after it", `Remove the spaces: "${value.trim()}".`);
  if (!value.startsWith("arn:")) {
    if (ROLE_NAME.test(value)) {
      return invalid("is a role name, not an ARN", `Write the full ARN: arn:aws:iam::<account>:role/${value}.`);
    }
    return invalid("is not an ARN", `Write the role's ARN, such as ${EXAMPLE}.`);
  }

  const parts = value.split(":");
  if (parts.length !== 6) return invalid(`has ${parts.length} colon-separated parts instead of 6`, `Use the form ${EXAMPLE}.`);
  const [, partition = "", service = "", region = "", account = "", resource = ""] = parts;

  if (!PARTITIONS.includes(partition)) {
    return invalid(`has the unknown partition "${partition}"`, `Use one of ${PARTITIONS.join(", ")}; "aws" for commercial regions.`);
  }
  if (service === "sts" && resource.startsWith("assumed-role/")) {
    const roleName = resource.split("/")[1] ?? "NAME";
    return invalid(
      "is the ARN of an assumed-role session, not of a role",
      `Use the role's own ARN: arn:${partition}:iam::${account}:role/${roleName} (with the role's path, if it has one).`,
    );
  }
  if (service !== "iam") return invalid(`names the service "${service}", not IAM`, `Use an IAM role ARN such as ${EXAMPLE}.`);
  if (region !== "") {
    return invalid(`contains the region "${region}", but IAM ARNs have none`, `Remove it: arn:${partition}:iam::${account}:${resource}.`);
  }
  if (!/^\d{12}$/.test(account)) {
    return invalid(`has the account "${account}", which is not a 12-digit account ID`, `Use the ID of the account that holds the role, such as ${EXAMPLE}.`);
  }

  const [kind = "", ...rest] = resource.split("/");
  if (kind !== "role") {
    let named = "no resource";
    if (kind === "instance-profile") named = "an instance profile";
    else if (kind) named = `an IAM ${kind}`;
    return invalid(`names ${named}, not a role`, `CloudFormation needs a role: arn:${partition}:iam::${account}:role/NAME.`);
  }
  const name = rest.at(-1) ?? "";
  const segments = rest.slice(0, -1);
  if (!ROLE_NAME.test(name)) {
    return invalid(`has the invalid role name "${name}"`, "Role names have 1 to 64 letters, digits or +=,.@_- characters.");
  }
  if (segments.some((segment) => !PATH_SEGMENT.test(segment))) {
    return invalid("has an empty or invalid path segment", `Paths look like /team/ci/: arn:${partition}:iam::${account}:role/team/ci/${name}.`);
  }
  const path = segments.length > 0 ? `/${segments.join("/")}/` : "/";
  if (path.length > 512) return invalid(`has a path of ${path.length} characters; IAM allows 512`, "Use the role's real path.");

  return { ok: true, role: { arn: value, partition, account, path, name } };
}

/** Returns the partition that a region belongs to. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** Returns the partition of any ARN, such as the caller's, or undefined when it is not an ARN. */
export function partitionOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts[1] ? parts[1] : undefined;
}
