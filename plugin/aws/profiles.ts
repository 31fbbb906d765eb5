// Reads the shared config and credentials files with the SDK's own parser, so that
// profile names and keys mean exactly what they mean to the deploy tools.
import os from "node:os";
import path from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";

export type ProfileSettings = Record<string, string | undefined>;

export interface SharedFiles {
  configPath: string;
  credentialsPath: string;
  /** Profiles of the config file, keyed by profile name. */
  config: Record<string, ProfileSettings>;
  /** Profiles of the credentials file, keyed by profile name. */
  credentials: Record<string, ProfileSettings>;
  /** `[sso-session NAME]` sections of the config file. */
  ssoSessions: Record<string, ProfileSettings>;
}

/** Returns the home folder as the SDK computes it: HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? `C:${path.sep}`}${env.HOMEPATH}`;
  return os.homedir();
}

function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  // Like the SDK, only a leading "~/" is expanded.
  return file.startsWith("~/") ? path.join(homeDir(env), file.slice(2)) : file;
}

export function sharedFilePaths(env: NodeJS.ProcessEnv): { configPath: string; credentialsPath: string } {
  return {
    configPath: expandHome(env.AWS_CONFIG_FILE || path.join(homeDir(env), ".aws", "config"), env),
    credentialsPath: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || path.join(homeDir(env), ".aws", "credentials"), env),
  };
}

export async function loadSharedFiles(env: NodeJS.ProcessEnv): Promise<SharedFiles> {
  const { configPath, credentialsPath } = sharedFilePaths(env);
  let parsed: Awaited<ReturnType<typeof loadSharedConfigFiles>>;
  try {
    parsed = await loadSharedConfigFiles({ filepath: credentialsPath, configFilepath: configPath, ignoreCache: true });
  } catch {
    // The SDK throws on a `__proto__` section; it then reads neither file, and neither do we.
    parsed = { configFile: {}, credentialsFile: {} };
  }
  // The parser keeps `[sso-session x]` and `[services x]` sections in the config map
  // under "sso-session.x" and "services.x"; they are not profiles.
  const config: Record<string, ProfileSettings> = {};
  const ssoSessions: Record<string, ProfileSettings> = {};
  for (const [key, settings] of Object.entries(parsed.configFile as Record<string, ProfileSettings>)) {
    if (key.startsWith("sso-session.")) ssoSessions[key.slice("sso-session.".length)] = settings;
    else if (!key.startsWith("services.")) config[key] = settings;
  }
  return {
    configPath,
    credentialsPath,
    config,
    credentials: parsed.credentialsFile as Record<string, ProfileSettings>,
    ssoSessions,
  };
}

/** Merges a profile the way the SDK does: key by key, the credentials file winning. */
export function mergedProfile(files: SharedFiles, name: string): ProfileSettings | undefined {
  const fromConfig = files.config[name];
  const fromCredentials = files.credentials[name];
  if (!fromConfig && !fromCredentials) return undefined;
  return { ...fromConfig, ...fromCredentials };
}

export function profileNames(files: SharedFiles): string[] {
  return [...new Set([...Object.keys(files.config), ...Object.keys(files.credentials)])].sort();
}

/** Keys that make the SDK's fromIni resolve credentials from a profile. */
const CREDENTIAL_KEYS = [
  "role_arn",
  "aws_access_key_id",
  "aws_secret_access_key",
  "credential_process",
  "credential_source",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "sso_role_name",
  "sso_region",
  "login_session",
];

/** Returns true when a profile contains any setting that produces credentials. */
export function profileHasCredentials(settings: ProfileSettings | undefined): boolean {
  if (!settings) return false;
  return CREDENTIAL_KEYS.some((key) => typeof settings[key] === "string");
}

/** Returns the file that defines a profile: the credentials file wins key by key, so both may. */
export function profileFiles(files: SharedFiles, name: string): string[] {
  const found: string[] = [];
  if (files.config[name]) found.push(files.configPath);
  if (files.credentials[name]) found.push(files.credentialsPath);
  return found;
}
