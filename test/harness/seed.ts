// Helpers that create AWS resources in moto with the AWS SDK v3, for test setup.
//
// Accounts in moto 5.2.1 (checked in moto/core/responses.py `get_current_account` and by a test of
// this harness): moto picks the account of a request from, in this order,
//   1. the `MOTO_ACCOUNT_ID` variable of the moto_server process, which then wins for every request,
//   2. the `x-moto-account-id` request header,
//   3. the account in which the signing access key was created,
//   4. the default account 123456789012.
// So with `MOTO_ACCOUNT_ID` unset, the `account` option below sends the header and creates the
// resource in that account (for example 111111111111 or 222222222222). Access keys of a user created
// that way belong to that account, so later requests signed with them land there without a header.

import {
  CloudFormationClient,
  CreateStackCommand,
  type Capability,
  type Parameter,
} from "@aws-sdk/client-cloudformation";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient, type ParameterType } from "@aws-sdk/client-ssm";
import type { AwsCredentialIdentity, BuildMiddleware, MiddlewareStack } from "@smithy/types";

import { assertLoopbackUrl } from "./env.js";

/** Any object with the emulator's base URL, such as a `MotoServer` or an IAM stub. */
export interface EmulatorEndpoint {
  url: string;
}

export interface SeedOptions {
  /** Account to create the resource in, sent as `x-moto-account-id`. Ignored when moto_server runs with `MOTO_ACCOUNT_ID`. */
  account?: string;
  /** Credentials to sign with. Default: the fake admin keys, which only work while moto's auth is off. */
  credentials?: AwsCredentialIdentity;
  /** Default `us-east-1`. */
  region?: string;
}

/**
 * Fake keys that moto accepts while its auth is off. They belong to no account, so once auth is on
 * moto rejects them with InvalidClientTokenId: seed before `enableAuth()` or pass a user's keys.
 */
export const FAKE_ADMIN_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: "testing",
  secretAccessKey: "testing",
};

/** Policy that allows every action, for users and roles that should pass moto's IAM checks. */
export const ALLOW_ALL_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

export type PolicyDocument = string | Record<string, unknown>;

export interface SeededUser {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SeededRole {
  name: string;
  arn: string;
  roleId: string;
}

interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity;
  maxAttempts: number;
}

/** Returns SDK client settings that point at the emulator and sign with the seed credentials. */
export function seedClientConfig(target: EmulatorEndpoint, options: SeedOptions = {}): ClientConfig {
  assertLoopbackUrl(target.url, "emulator URL");
  return {
    endpoint: target.url,
    region: options.region ?? "us-east-1",
    credentials: options.credentials ?? FAKE_ADMIN_CREDENTIALS,
    maxAttempts: 1,
  };
}

/** Adds the `x-moto-account-id` header to every request of `client` when `account` is set. */
function selectAccount<C extends { middlewareStack: MiddlewareStack<any, any> }>(
  client: C,
  account: string | undefined,
): C {
  if (account === undefined) {
    return client;
  }
  if (!/^\d{12}$/.test(account)) {
    throw new Error(`account must be a 12-digit AWS account ID, got ${JSON.stringify(account)}`);
  }

  const addAccountHeader: BuildMiddleware<object, object> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers !== undefined) {
      request.headers["x-moto-account-id"] = account;
    }
    return await next(args);
  };
  // The build step runs before signing, so the header is signed like any other.
  client.middlewareStack.add(addAccountHeader, { step: "build", name: "motoAccountIdHeader" });
  return client;
}

function policyText(document: PolicyDocument): string {
  return typeof document === "string" ? document : JSON.stringify(document);
}

/**
 * Creates an IAM user with an access key and, when `policyDocument` is given, an inline policy
 * named `<name>-policy`.
 */
export async function createUser(
  target: EmulatorEndpoint,
  name: string,
  policyDocument?: PolicyDocument,
  options: SeedOptions = {},
): Promise<SeededUser> {
  const iam = selectAccount(new IAMClient(seedClientConfig(target, options)), options.account);
  try {
    const created = await iam.send(new CreateUserCommand({ UserName: name }));
    if (policyDocument !== undefined) {
      await iam.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: `${name}-policy`,
          PolicyDocument: policyText(policyDocument),
        }),
      );
    }
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));

    const arn = created.User?.Arn;
    const accessKeyId = key.AccessKey?.AccessKeyId;
    const secretAccessKey = key.AccessKey?.SecretAccessKey;
    if (arn === undefined || accessKeyId === undefined || secretAccessKey === undefined) {
      throw new Error(`moto returned no ARN or access key for user ${name}`);
    }
    return { name, arn, accessKeyId, secretAccessKey };
  } finally {
    iam.destroy();
  }
}

export interface CreateRoleOptions extends SeedOptions {
  /** IAM path such as `/team/ci/`. Default `/`. */
  path?: string;
  /** Inline policy, stored as `<name>-policy`. */
  policy?: PolicyDocument;
  /** ARN of a managed policy used as permissions boundary. moto stores it but does not enforce it. */
  permissionsBoundary?: string;
}

/**
 * Creates an IAM role with the given trust policy and an optional inline policy.
 * moto 5.2.1 only lets a caller assume the role when the trust policy names the caller's exact ARN
 * or `*`, not the account root.
 */
export async function createRole(
  target: EmulatorEndpoint,
  name: string,
  trustPolicy: PolicyDocument,
  options: CreateRoleOptions = {},
): Promise<SeededRole> {
  const iam = selectAccount(new IAMClient(seedClientConfig(target, options)), options.account);
  try {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: policyText(trustPolicy),
        Path: options.path,
        PermissionsBoundary: options.permissionsBoundary,
      }),
    );
    if (options.policy !== undefined) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: `${name}-policy`,
          PolicyDocument: policyText(options.policy),
        }),
      );
    }

    const arn = created.Role?.Arn;
    const roleId = created.Role?.RoleId;
    if (arn === undefined || roleId === undefined) {
      throw new Error(`moto returned no ARN for role ${name}`);
    }
    return { name, arn, roleId };
  } finally {
    iam.destroy();
  }
}

export interface PutParameterOptions extends SeedOptions {
  /** Default `String`. */
  type?: ParameterType;
  /** Default true, so a test can seed the same name twice. */
  overwrite?: boolean;
}

/** Creates or overwrites an SSM parameter and returns its version. */
export async function putParameter(
  target: EmulatorEndpoint,
  name: string,
  value: string,
  options: PutParameterOptions = {},
): Promise<number> {
  const ssm = selectAccount(new SSMClient(seedClientConfig(target, options)), options.account);
  try {
    const result = await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: options.type ?? "String",
        Overwrite: options.overwrite ?? true,
      }),
    );
    return result.Version ?? 0;
  } finally {
    ssm.destroy();
  }
}

export interface CreateStackOptions extends Omit<SeedOptions, "region"> {
  parameters?: Record<string, string>;
  /** CloudFormation service role. moto stores it and reports it as `RoleARN` but never assumes it. */
  roleArn?: string;
  capabilities?: Capability[];
}

/**
 * Creates a CloudFormation stack and returns its stack ID. moto creates the resources before the
 * call returns, so the stack is complete when this resolves.
 */
export async function createStack(
  target: EmulatorEndpoint,
  region: string,
  name: string,
  templateBody: string | Record<string, unknown>,
  options: CreateStackOptions = {},
): Promise<string> {
  const cloudFormation = selectAccount(
    new CloudFormationClient(seedClientConfig(target, { ...options, region })),
    options.account,
  );
  const parameters: Parameter[] = Object.entries(options.parameters ?? {}).map(([key, value]) => ({
    ParameterKey: key,
    ParameterValue: value,
  }));
  try {
    const result = await cloudFormation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: typeof templateBody === "string" ? templateBody : JSON.stringify(templateBody),
        Parameters: parameters.length > 0 ? parameters : undefined,
        RoleARN: options.roleArn,
        Capabilities: options.capabilities ?? ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
      }),
    );
    if (result.StackId === undefined) {
      throw new Error(`moto returned no stack ID for stack ${name}`);
    }
    return result.StackId;
  } finally {
    cloudFormation.destroy();
  }
}

/** Creates an S3 bucket in `options.region` (default `us-east-1`). */
export async function createBucket(
  target: EmulatorEndpoint,
  name: string,
  options: SeedOptions = {},
): Promise<void> {
  const config = seedClientConfig(target, options);
  // Path-style addressing keeps requests on the emulator's host. Virtual-hosted style would put the
  // bucket name in front of the host name and need DNS.
  const s3 = selectAccount(new S3Client({ ...config, forcePathStyle: true }), options.account);
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: name,
        CreateBucketConfiguration:
          config.region === "us-east-1"
            ? undefined
            : { LocationConstraint: config.region as BucketLocationConstraint },
      }),
    );
  } finally {
    s3.destroy();
  }
}
