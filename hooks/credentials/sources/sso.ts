// Reads the SSO token cache the way the SDK finds it, to report a missing or expired
// login before any call. The cache file is ~/.aws/sso/cache/<sha1>.json, hashed from
// the sso_session name, or from the exact sso_start_url for legacy profiles (so a
// trailing "#" or "/" changes the file). Tokens are never copied out of the file.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { homeDir } from "../../../plugin/aws/profiles.js";
import type { SsoTokenState } from "../chain/types.js";

/** Returns the path of the cache file for an sso-session name or a legacy start URL. */
export function ssoTokenPath(env: NodeJS.ProcessEnv, id: string): string {
  const name = createHash("sha1").update(id).digest("hex");
  return path.join(homeDir(env), ".aws", "sso", "cache", `${name}.json`);
}

/**
 * Reads the token cache file. `sessionProfile` is true for sso_session profiles, whose
 * tokens the SDK refreshes through SSO-OIDC when the cache contains a refresh token, a
 * client ID and secret, and a registration that has not expired.
 */
export function readSsoToken(env: NodeJS.ProcessEnv, id: string, sessionProfile: boolean, now = Date.now()): SsoTokenState {
  const file = ssoTokenPath(env, id);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return { path: file, state: missing ? "missing" : "unreadable", refreshable: false };
  }
  if (!parsed || typeof parsed !== "object") return { path: file, state: "unreadable", refreshable: false };

  const token = parsed as Record<string, unknown>;
  const expiresAt = typeof token.expiresAt === "string" ? token.expiresAt : undefined;
  const expiry = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  if (typeof token.accessToken !== "string" || Number.isNaN(expiry)) {
    return { path: file, state: "unreadable", refreshable: false, ...(expiresAt ? { expiresAt } : {}) };
  }
  const registrationExpiry = typeof token.registrationExpiresAt === "string" ? Date.parse(token.registrationExpiresAt) : Number.NaN;
  const refreshable =
    sessionProfile &&
    typeof token.refreshToken === "string" &&
    typeof token.clientId === "string" &&
    typeof token.clientSecret === "string" &&
    !Number.isNaN(registrationExpiry) &&
    registrationExpiry > now;
  return {
    path: file,
    state: expiry > now ? "valid" : "expired",
    expiresAt: new Date(expiry).toISOString(),
    refreshable,
  };
}

/** Returns the login command for a profile: `aws sso login --profile x` or `--sso-session s`. */
export function ssoLoginCommand(profile: string, session?: string): string {
  return session ? `aws sso login --profile ${profile} (or: aws sso login --sso-session ${session})` : `aws sso login --profile ${profile}`;
}
