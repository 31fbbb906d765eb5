// Lint rules across profiles and files: broken chains in any profile, keys in the
// credentials file that shadow SSO or process settings of the config file, and
// "[profile default]" replacing "[default]".
import { profileNames } from "../../../plugin/aws/profiles.js";
import { walkProfile } from "../chain/profile-walk.js";
import type { CredentialSetup } from "../chain/setup.js";
import type { Finding } from "../findings.js";
import { sectionsNamed } from "./scan.js";

// Problems that are about the files themselves, so they matter even for profiles this
// run does not use. Missing tokens or variables matter only for the selected chain.
const STATIC_PROBLEMS = new Set([
  "missing-source-profile",
  "source-profile-cycle",
  "source-profile-and-credential-source",
  "role-arn-without-source",
  "partial-static-keys",
  "invalid-credential-source",
  "missing-sso-session",
  "incomplete-sso-profile",
  "invalid-role-arn",
  "invalid-duration-seconds",
  "web-identity-without-role",
]);

export function lintProfiles(setup: CredentialSetup, selected: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const name of profileNames(setup.files)) {
    if (selected.has(name)) continue;
    const walk = walkProfile(setup, name);
    for (const problem of walk.problems) {
      if (!STATIC_PROBLEMS.has(problem.code)) continue;
      const inSelected = problem.profile !== undefined && selected.has(problem.profile);
      findings.push({ ...problem, severity: inSelected ? "error" : "warning" });
    }
  }
  findings.push(...lintShadowedSettings(setup, selected), ...lintDefaultSections(setup));
  return findings;
}

/** Static keys in the credentials file win over sso_*, credential_process or web identity in the config file. */
function lintShadowedSettings(setup: CredentialSetup, selected: ReadonlySet<string>): Finding[] {
  const { files } = setup;
  const findings: Finding[] = [];
  for (const [name, fromCredentials] of Object.entries(files.credentials)) {
    const fromConfig = files.config[name];
    if (!fromConfig || !fromCredentials.aws_access_key_id || !fromCredentials.aws_secret_access_key) continue;
    if (fromConfig.role_arn && (fromConfig.source_profile || fromConfig.credential_source)) continue;
    const shadowed = Object.keys(fromConfig).filter((key) => key.startsWith("sso_") || key === "credential_process" || key === "web_identity_token_file");
    if (shadowed.length === 0) continue;
    const section = setup.scans.credentials ? sectionsNamed(setup.scans.credentials, name)[0] : undefined;
    findings.push({
      code: "credentials-keys-shadow-config",
      severity: "warning",
      message: `the static keys of [${name}] in the credentials file win over ${shadowed.join(", ")} of the same profile in the config file, so the SDKs ${selected.has(name) ? "use" : "would use"} those keys`,
      file: files.credentialsPath,
      ...(section ? { line: section.line } : {}),
      profile: name,
      fix: `Delete the keys of [${name}] from ${files.credentialsPath} if they are stale leftovers.`,
    });
  }
  return findings;
}

/** "[profile default]" replaces "[default]" in the config file entirely, whatever their order. */
function lintDefaultSections(setup: CredentialSetup): Finding[] {
  const scan = setup.scans.config;
  if (!scan) return [];
  const plain = scan.sections.filter((section) => section.header === "default");
  // The SDK stores "[profile default]" only once a key is set in it; an empty one replaces nothing.
  const prefixed = scan.sections.filter((section) => section.sdkName === "default" && section.header !== "default" && section.keys.some((key) => key.value !== ""));
  const first = plain[0];
  const replacement = prefixed[0];
  if (!first || !replacement) return [];
  const kept = new Set(prefixed.flatMap((section) => section.keys.map((key) => key.name)));
  const lost = [...new Set(plain.flatMap((section) => section.keys.map((key) => key.name)))].filter((key) => !kept.has(key));
  return [
    {
      code: "default-and-profile-default",
      severity: "warning",
      message: `[${replacement.header}] at line ${replacement.line} replaces [default] at line ${first.line} entirely${lost.length ? `, so ${lost.join(", ")} of [default] ${lost.length === 1 ? "is" : "are"} lost` : ""}`,
      file: setup.files.configPath,
      line: replacement.line,
      profile: "default",
      fix: "Keep one of the two sections and move the settings you need into it.",
    },
  ];
}
