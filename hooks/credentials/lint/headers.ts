// Section headers the SDK ignores or reads differently from what the author meant:
// "[dev]" in the config file, "[profile dev]" in the credentials file, a capital
// "Profile", two spaces, spaces inside the brackets or in the name.
import type { FileKind, ScannedSection } from "./scan.js";

export interface HeaderProblem {
  /** Reason the SDK does not read the header as intended. */
  reason: string;
  /** The header to write instead, brackets included. */
  correct: string;
  /** The profile the author most likely meant, if any. */
  profile?: string;
}

const PROFILE_PREFIX = /^\s*profile\s+(.*?)\s*$/i;
const SESSION_PREFIX = /^\s*sso-session\s+(.*?)\s*$/i;
const VALID_NAME = /^[\w\-@+.%:/]+$/;

function unquote(name: string): string {
  const match = /^(["'])(.*)\1$/.exec(name);
  return match ? (match[2] ?? "") : name;
}

/** Returns the profile a section most likely means, whether or not the SDK reads it. */
export function intendedProfileName(section: ScannedSection, kind: FileKind): string | undefined {
  const header = section.header.trim();
  if (SESSION_PREFIX.test(header) || /^services\s/i.test(header)) return undefined;
  const prefixed = PROFILE_PREFIX.exec(header);
  if (prefixed) return unquote(prefixed[1] ?? "");
  if (kind === "config" && /\s/.test(header)) return undefined;
  return unquote(header);
}

/** Returns what is wrong with a header, or undefined when the SDK reads it as written. */
export function diagnoseHeader(section: ScannedSection, kind: FileKind): HeaderProblem | undefined {
  return kind === "config" ? diagnoseConfigHeader(section) : diagnoseCredentialsHeader(section);
}

function diagnoseConfigHeader(section: ScannedSection): HeaderProblem | undefined {
  const raw = section.header;
  const header = raw.trim();
  if (section.sdkName !== undefined) return undefined;

  const session = SESSION_PREFIX.exec(header);
  if (session) {
    const name = unquote(session[1] ?? "");
    return { reason: headerFormReason(raw, "sso-session", name), correct: `[sso-session ${name.replace(/\s+/g, "-")}]` };
  }
  const prefixed = PROFILE_PREFIX.exec(header);
  if (prefixed) {
    const name = unquote(prefixed[1] ?? "");
    return { reason: headerFormReason(raw, "profile", name), correct: `[profile ${name.replace(/\s+/g, "-")}]`, profile: name };
  }
  if (!/\s/.test(header)) {
    const name = unquote(header);
    return {
      reason: 'profiles in the config file need the "profile " prefix, so the SDKs ignore this section',
      correct: `[profile ${name}]`,
      profile: name,
    };
  }
  const type = header.split(/\s+/)[0] ?? header;
  return { reason: `"${type}" is not a section type the SDKs know (profile, sso-session, services), so they ignore this section`, correct: `[profile ${header.replace(/\s+/g, "-")}]` };
}

/** Explains why a "<type> <name>" header with a known type is still ignored. */
function headerFormReason(raw: string, type: string, name: string): string {
  if (raw !== raw.trim()) return "spaces inside the brackets make the SDKs ignore this section";
  if (!raw.startsWith(type)) return `the prefix must be written "${type}" in lowercase, so the SDKs ignore this section`;
  if (!new RegExp(`^${type} [^\\s]`).test(raw)) return `exactly one space must follow "${type}", so the SDKs ignore this section`;
  if (/\s/.test(name)) return "names cannot contain spaces, so the SDKs ignore this section";
  if (!VALID_NAME.test(name)) return "the name contains characters the SDKs do not accept, so they ignore this section";
  return "the SDKs ignore this section";
}

function diagnoseCredentialsHeader(section: ScannedSection): HeaderProblem | undefined {
  const name = section.sdkName;
  const header = section.header.trim();
  if (name?.startsWith("profile.") || (name === undefined && PROFILE_PREFIX.test(header))) {
    const profile = unquote(PROFILE_PREFIX.exec(header)?.[1] ?? "");
    return {
      reason: `the credentials file takes plain profile names, so [${section.header}] is not the profile "${profile}" for any SDK`,
      correct: `[${profile}]`,
      profile,
    };
  }
  if (name?.startsWith("sso-session.") || name?.startsWith("services.")) {
    return { reason: "sso-session and services sections belong in the config file; the SDKs ignore them here", correct: `[${header}] in the config file` };
  }
  if (name === undefined) {
    return { reason: "a profile name in the credentials file cannot contain spaces, so the SDKs ignore this section", correct: `[${header.replace(/\s+/g, "-")}]` };
  }
  if (name !== name.trim()) {
    return { reason: `spaces inside the brackets make this the profile "${name}", spaces included`, correct: `[${name.trim()}]`, profile: name.trim() };
  }
  return undefined;
}
