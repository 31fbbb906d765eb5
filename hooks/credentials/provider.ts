// Builds the credential provider the wrapped tool would build, from the SDK's own
// providers, so that the identity we check is the identity that deploys.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { sharedFilePaths } from "../../plugin/aws/profiles.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { hasEnvKeys } from "../../plugin/tools/settings.js";

export interface CredentialPlan {
  /** Machine-readable source kind. */
  kind: "environment" | "profile" | "default-chain";
  /** What the report shows as the source. */
  description: string;
  provider: AwsCredentialIdentityProvider;
}

export async function planCredentials(context: PreflightContext): Promise<CredentialPlan> {
  const providers = await import("@aws-sdk/credential-providers");
  const { configPath, credentialsPath } = sharedFilePaths(context.env);
  const mfaCodeProvider = (serial: string) => context.prompt(`Enter MFA code for ${serial}: `, { secret: true });
  const iniOptions = {
    filepath: credentialsPath,
    configFilepath: configPath,
    ignoreCache: true,
    mfaCodeProvider,
    ...(context.region ? { clientConfig: { region: context.region.value } } : {}),
  };
  const profile = context.profile;

  if (profile && profile.source !== "the default profile") {
    return {
      kind: "profile",
      description: `profile ${profile.value} (from ${profile.source})`,
      provider: providers.fromIni({ ...iniOptions, profile: profile.value }),
    };
  }
  if (!profile && hasEnvKeys(context.env)) {
    return { kind: "environment", description: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment", provider: providers.fromEnv() };
  }
  return {
    kind: profile ? "profile" : "default-chain",
    description: profile ? "the default profile" : "the SDK's default chain (web identity, container or instance credentials)",
    provider: providers.fromNodeProviderChain({ ...iniOptions, ...(profile ? { profile: profile.value } : {}) }),
  };
}

/** Wraps a provider so that every client shares one resolution. */
export function shareProvider(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return () => {
    pending ??= provider().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
