// Findings about AWS_* variables: set but empty, half of a key pair, a session token
// without keys, temporary keys without their token, keys with stray quotes or spaces.
// Values are never shown; variable names are.
import type { Finding } from "../findings.js";

const CHECKED_EMPTY = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CREDENTIAL_EXPIRATION",
];

export function inspectEnvironment(env: NodeJS.ProcessEnv): Finding[] {
  const findings: Finding[] = [];
  for (const name of CHECKED_EMPTY) {
    if (name in env && env[name] !== undefined && env[name]!.trim() === "") {
      findings.push({
        code: "empty-variable",
        severity: "warning",
        message: `${name} is set but empty; the SDKs treat it as unset, which hides what was meant`,
        fix: `Run: unset ${name} (or give it a value).`,
      });
    }
  }

  const keyId = env.AWS_ACCESS_KEY_ID ?? "";
  const secret = env.AWS_SECRET_ACCESS_KEY ?? "";
  if (keyId && !secret) {
    findings.push({ code: "partial-environment-keys", severity: "warning", message: "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY, so the SDKs ignore it", fix: "Export AWS_SECRET_ACCESS_KEY too, or unset AWS_ACCESS_KEY_ID." });
  } else if (!keyId && secret) {
    findings.push({ code: "partial-environment-keys", severity: "warning", message: "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID, so the SDKs ignore it", fix: "Export AWS_ACCESS_KEY_ID too, or unset AWS_SECRET_ACCESS_KEY." });
  }
  if (env.AWS_SESSION_TOKEN && !(keyId && secret)) {
    findings.push({ code: "session-token-without-keys", severity: "warning", message: "AWS_SESSION_TOKEN is set without both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, so it is ignored", fix: "Export the whole session (all three variables) or unset AWS_SESSION_TOKEN." });
  }
  if (keyId && secret) {
    if (keyId.trim() !== keyId || /["']/.test(keyId) || !/^[A-Z0-9]{16,128}$/.test(keyId.trim())) {
      findings.push({ code: "malformed-access-key-id", severity: "warning", message: "AWS_ACCESS_KEY_ID does not look like an access key ID: it has spaces, quotes or characters other than capital letters and digits", fix: "Export the key ID again without quotes or spaces." });
    }
    if (secret.trim() !== secret || /["'\s]/.test(secret)) {
      findings.push({ code: "malformed-secret-access-key", severity: "warning", message: "AWS_SECRET_ACCESS_KEY contains spaces, a line break or quotes, which AWS rejects as a signature mismatch", fix: "Export the secret key again without quotes or spaces." });
    }
    if (keyId.startsWith("ASIA") && !env.AWS_SESSION_TOKEN) {
      findings.push({
        code: "temporary-key-without-token",
        severity: "warning",
        message: `AWS_ACCESS_KEY_ID is a temporary key (ASIA…) but AWS_SESSION_TOKEN is not set${env.AWS_SECURITY_TOKEN ? "; AWS_SECURITY_TOKEN is set, but the JS SDK reads only AWS_SESSION_TOKEN" : ""}`,
        fix: "Export AWS_SESSION_TOKEN with the session's token.",
      });
    }
  }
  return findings;
}
