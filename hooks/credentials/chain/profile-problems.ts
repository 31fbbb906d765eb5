// Explains why a profile gives no credentials: it does not exist (often because its
// header is written in a form the SDK ignores), or it lacks a setting.
import { profileNames, type ProfileSettings } from "../../../plugin/aws/profiles.js";
import type { Finding } from "../findings.js";
import { intendedProfileName } from "../lint/headers.js";
import { locateKey, locateProfile, type CredentialSetup } from "./setup.js";

export function explainUnknownProfile(setup: CredentialSetup, name: string, selectedBy?: string): Finding {
  const from = selectedBy ? ` (from ${selectedBy})` : "";
  const { files, scans } = setup;

  // A section the SDK drops often is the profile the user meant.
  for (const scan of [scans.config, scans.credentials]) {
    if (!scan) continue;
    for (const section of scan.sections) {
      const intended = intendedProfileName(section, scan.kind);
      if (intended !== name || section.sdkName === name) continue;
      const file = scan.kind === "config" ? files.configPath : files.credentialsPath;
      let header = `[${name}]`;
      if (scan.kind === "config" && name !== "default") header = `[profile ${name}]`;
      return {
        code: scan.kind === "config" ? "config-section-header-ignored" : "credentials-section-header-ignored",
        severity: "error",
        message: `profile "${name}"${from} does not exist for the AWS SDKs: the section [${section.header}] is ignored in the ${scan.kind} file`,
        profile: name,
        file,
        line: section.line,
        fix: `Rename the header to ${header}.`,
      };
    }
  }

  const nearest = nearestName(profileNames(files), name);
  const listing = `profiles in ${files.configPath}: ${Object.keys(files.config).sort().join(", ") || "(none)"}; profiles in ${files.credentialsPath}: ${Object.keys(files.credentials).sort().join(", ") || "(none)"}`;
  const use = nearest ? `Did you mean "${nearest}"? ${howToSelect(nearest, selectedBy)}` : `Add [profile ${name}] to ${files.configPath}, or select one of the profiles that exist.`;
  return {
    code: "unknown-profile",
    severity: "error",
    message: `profile "${name}"${from} does not exist; ${listing}`,
    profile: name,
    fix: use,
  };
}

function howToSelect(profile: string, selectedBy: string | undefined): string {
  if (selectedBy === "AWS_PROFILE") return `Run: export AWS_PROFILE=${profile}`;
  if (selectedBy === "AWS_DEFAULT_PROFILE") return `Run: export AWS_DEFAULT_PROFILE=${profile}`;
  if (selectedBy === "--profile") return `Use --profile ${profile}.`;
  return selectedBy ? `Use the profile ${profile} in ${selectedBy}.` : `Use the profile ${profile}.`;
}

export function explainProfileWithoutCredentials(setup: CredentialSetup, name: string, data: ProfileSettings): Finding {
  const base = { severity: "error" as const, profile: name };
  if (typeof data.role_arn === "string" && data.source_profile !== undefined && data.credential_source !== undefined) {
    return {
      ...base,
      code: "source-profile-and-credential-source",
      message: `profile ${name} sets both source_profile (${data.source_profile}) and credential_source (${data.credential_source}); exactly one of them is allowed with role_arn`,
      ...locateKey(setup, name, "credential_source"),
      fix: `Remove source_profile or credential_source from profile ${name}.`,
    };
  }
  if (typeof data.role_arn === "string") {
    return {
      ...base,
      code: "role-arn-without-source",
      message: `profile ${name} has role_arn but neither source_profile nor credential_source, so there are no credentials to assume the role with`,
      ...locateKey(setup, name, "role_arn"),
      fix: "Add source_profile = <a profile with credentials>, or credential_source = Environment, EcsContainer or Ec2InstanceMetadata.",
    };
  }
  const hasId = typeof data.aws_access_key_id === "string";
  const hasSecret = typeof data.aws_secret_access_key === "string";
  if (hasId !== hasSecret) {
    const present = hasId ? "aws_access_key_id" : "aws_secret_access_key";
    const absent = hasId ? "aws_secret_access_key" : "aws_access_key_id";
    return {
      ...base,
      code: "partial-static-keys",
      message: `profile ${name} has ${present} but no ${absent}`,
      ...locateKey(setup, name, present),
      fix: `Add ${absent} to the same section, or remove ${present}.`,
    };
  }
  if (typeof data.web_identity_token_file === "string") {
    return {
      ...base,
      code: "web-identity-without-role",
      message: `profile ${name} has web_identity_token_file but no role_arn`,
      ...locateKey(setup, name, "web_identity_token_file"),
      fix: "Add the role_arn to assume with the token.",
    };
  }
  return {
    ...base,
    code: "profile-without-credentials",
    message: `profile ${name} contains no credential settings (static keys, role_arn, sso_*, credential_process or web_identity_token_file)`,
    ...locateProfile(setup, name),
    fix: `Add credentials to profile ${name}, or run aws configure --profile ${name}.`,
  };
}

/** Returns the name closest to `name` when it is close enough to be a typo. */
export function nearestName(candidates: readonly string[], name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  // A shared start ("stage" for "staging") allows more edits than a random match.
  const tolerance = commonPrefix(best.name.toLowerCase(), name.toLowerCase()) >= 3 ? Math.ceil(name.length / 2) : Math.max(2, Math.floor(name.length / 3));
  return best.distance <= tolerance ? best.name : undefined;
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
