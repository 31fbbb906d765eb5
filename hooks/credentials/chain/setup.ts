// The local facts a chain explanation reads: the parsed shared files, their
// line-aware scans, and the environment. Nothing here makes a network call.
import { mergedProfile, type ProfileSettings, type SharedFiles } from "../../../plugin/aws/profiles.js";
import { lineOfKey, sectionsNamed, type ScannedFile } from "../lint/scan.js";

export interface CredentialSetup {
  files: SharedFiles;
  scans: { config?: ScannedFile; credentials?: ScannedFile };
  env: NodeJS.ProcessEnv;
  /** Current time in milliseconds, so tests can fix it. */
  now: number;
}

export interface Location {
  file?: string;
  line?: number;
}

/** Returns the merged settings of a profile, as the SDK's fromIni reads them. */
export function profileSettings(setup: CredentialSetup, name: string): ProfileSettings | undefined {
  return mergedProfile(setup.files, name);
}

/** Returns where a profile's key is set; the credentials file wins when both files set it. */
export function locateKey(setup: CredentialSetup, profile: string, key: string): Location {
  const { files, scans } = setup;
  if (files.credentials[profile]?.[key] !== undefined) {
    return { file: files.credentialsPath, ...lineField(lineOfKey(scans.credentials, profile, key)) };
  }
  if (files.config[profile]?.[key] !== undefined) {
    return { file: files.configPath, ...lineField(lineOfKey(scans.config, profile, key)) };
  }
  return locateProfile(setup, profile);
}

/** Returns the header line of a profile, preferring the config file. */
export function locateProfile(setup: CredentialSetup, profile: string): Location {
  const { files, scans } = setup;
  const inConfig = scans.config ? sectionsNamed(scans.config, profile)[0] : undefined;
  if (files.config[profile] && inConfig) return { file: files.configPath, line: inConfig.line };
  const inCredentials = scans.credentials ? sectionsNamed(scans.credentials, profile)[0] : undefined;
  if (files.credentials[profile] && inCredentials) return { file: files.credentialsPath, line: inCredentials.line };
  if (files.config[profile]) return { file: files.configPath };
  if (files.credentials[profile]) return { file: files.credentialsPath };
  return {};
}

/** Returns where an `[sso-session name]` section starts. */
export function locateSsoSession(setup: CredentialSetup, name: string): Location {
  const section = setup.scans.config ? sectionsNamed(setup.scans.config, `sso-session.${name}`)[0] : undefined;
  return { file: setup.files.configPath, ...lineField(section?.line) };
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}
