// The example app's prod account in the emulator, as a real one looks before a
// deploy: a deployer with admin rights, the CDK bootstrap from the installed CLI's
// template, and SST's own bootstrap stack.
import { createToolkitStack } from "../fixtures/bootstrap/helpers.js";
import type { MotoServer } from "./moto.js";
import { ALLOW_ALL_POLICY, createStack, createUser } from "./seed.js";

export const PROD_ACCOUNT = "111111111111";
export const PROD_REGION = "eu-west-1";

/** Seeds the account while moto's auth is off and returns the deployer's keys. */
export async function seedExampleProdAccount(moto: MotoServer): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const deployer = await createUser(moto, "deployer", ALLOW_ALL_POLICY, { account: PROD_ACCOUNT });
  await createToolkitStack(moto, { account: PROD_ACCOUNT, region: PROD_REGION });
  await createStack(
    moto,
    PROD_REGION,
    "SSTBootstrap",
    {
      Resources: { Bucket: { Type: "AWS::S3::Bucket", Properties: { BucketName: "sstbootstrap-prod-assets" } } },
      // SST 2.49 expects version 7.4 of its bootstrap stack.
      Outputs: { Version: { Value: "7.4" }, BucketName: { Value: { Ref: "Bucket" } } },
    },
    { account: PROD_ACCOUNT },
  );
  return deployer;
}
