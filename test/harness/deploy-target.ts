// A healthy CDK deploy target in moto, so that every check can pass: the CDK
// bootstrap (toolkit stack with outputs, version parameter, asset bucket, the five
// bootstrap roles) in each region, and a CloudFormation service role.

import { createRole, createStack, putParameter, type EmulatorEndpoint } from "./seed.js";

export const TARGET_ACCOUNT = "123456789012";
export const BOOTSTRAP_VERSION = 21;
export const SERVICE_ROLE_ARN = `arn:aws:iam::${TARGET_ACCOUNT}:role/cfn-exec`;

/** Fake keys that moto accepts while its auth is off; the secret is scanned for by the secret tests. */
export const TARGET_KEYS = {
  accessKeyId: "AKIAPREFLIGHTBENCH01",
  secretAccessKey: "fakeSecretForPreflightTests0000000000000",
};

/** The stage, configuration and variables of a run against the seeded target. */
export const TARGET = {
  stage: "dev",
  region: "us-east-1",
  config: {
    stages: { dev: { accounts: [TARGET_ACCOUNT], regions: ["us-east-1"], roleArn: SERVICE_ROLE_ARN } },
    permissions: { strategy: "services", services: ["lambda", "dynamodb"] },
  },
  vars: {
    AWS_ACCESS_KEY_ID: TARGET_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TARGET_KEYS.secretAccessKey,
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  },
};

const CLOUDFORMATION_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

const ACCOUNT_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${TARGET_ACCOUNT}:root` }, Action: "sts:AssumeRole" }],
};

const BOOTSTRAP_ROLES = ["deploy-role", "file-publishing-role", "image-publishing-role", "lookup-role", "cfn-exec-role"];

/** Seeds the service role once and the CDK bootstrap in each region; moto's auth must be off. */
export async function seedDeployTarget(moto: EmulatorEndpoint, regions: string[] = ["us-east-1"]): Promise<void> {
  await createRole(moto, "cfn-exec", CLOUDFORMATION_TRUST);
  for (const region of regions) {
    await seedBootstrap(moto, region);
  }
}

async function seedBootstrap(moto: EmulatorEndpoint, region: string): Promise<void> {
  const qualifier = "hnb659fds";
  for (const role of BOOTSTRAP_ROLES) {
    const trust = role === "cfn-exec-role" ? CLOUDFORMATION_TRUST : ACCOUNT_TRUST;
    await createRole(moto, `cdk-${qualifier}-${role}-${TARGET_ACCOUNT}-${region}`, trust);
  }
  await putParameter(moto, `/cdk-bootstrap/${qualifier}/version`, String(BOOTSTRAP_VERSION), { region });
  const bucketName = `cdk-${qualifier}-assets-${TARGET_ACCOUNT}-${region}`;
  // CreateStack, unlike a change set, makes moto report the stack's Outputs.
  await createStack(moto, region, "CDKToolkit", {
    Resources: { StagingBucket: { Type: "AWS::S3::Bucket", Properties: { BucketName: bucketName } } },
    Outputs: {
      BucketName: { Value: { Ref: "StagingBucket" } },
      BucketDomainName: { Value: `${bucketName}.s3.${region}.amazonaws.com` },
      BootstrapVersion: { Value: String(BOOTSTRAP_VERSION) },
    },
  });
}
