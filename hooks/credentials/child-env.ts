// Variables for the wrapped tool, so it uses what the checks resolved instead of
// resolving (and prompting) again. After an MFA prompt the session keys go there, and
// the profile variables are emptied so that SST v1, SST v2 and the CDK CLI take the
// environment keys first. The keys never go into arguments or output.
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Sourced } from "../../plugin/runner/types.js";

export function sessionChildEnv(identity: AwsCredentialIdentity, region: Sourced<string> | undefined): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: identity.accessKeyId,
    AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
    // An empty AWS_PROFILE counts as unset for the SDKs, so the keys above win.
    AWS_PROFILE: "",
    AWS_DEFAULT_PROFILE: "",
  };
  if (identity.sessionToken) env.AWS_SESSION_TOKEN = identity.sessionToken;
  if (identity.expiration) env.AWS_CREDENTIAL_EXPIRATION = identity.expiration.toISOString();
  // Without the profile the tool would lose a region it read from that profile.
  if (region && region.source.startsWith("region of profile")) env.AWS_REGION = region.value;
  return env;
}

/** Returns true when the wrapped command names its own profile, which makes it resolve again. */
export function toolArgsSelectProfile(args: readonly string[]): boolean {
  return args.some((arg) => arg === "--profile" || arg.startsWith("--profile="));
}
