// A line-aware reading of an AWS shared config or credentials file. It follows the
// rules of the SDK's parser (@smithy/shared-ini-file-loader 4.7.2, parseIni) but keeps
// line numbers and what the SDK silently drops, so the lint can point at lines.

export type FileKind = "config" | "credentials";

export interface ScannedKey {
  /** Key as the SDK stores it, such as "region" or "s3.max_concurrent_requests". */
  name: string;
  value: string;
  line: number;
  /** The line as written, without its line break. */
  text: string;
}

export interface ScannedSection {
  /** Text between the brackets, as written. */
  header: string;
  line: number;
  /**
   * Name under which the SDK stores the section: a profile name ("dev", "default"),
   * "sso-session.x" or "services.x"; undefined when the SDK drops the section.
   */
  sdkName: string | undefined;
  keys: ScannedKey[];
}

export interface ScannedLine {
  line: number;
  text: string;
}

export interface ScannedFile {
  kind: FileKind;
  sections: ScannedSection[];
  /** Key lines before the first section header, which the SDK ignores. */
  keysOutsideSections: ScannedLine[];
  /** Non-empty lines that are neither a header, a `key = value` nor a comment. */
  unparsedLines: ScannedLine[];
  /** A header the SDK rejects, which makes it drop the whole file. */
  rejectedHeader?: ScannedLine;
}

const SECTION_TYPES = ["profile", "sso-session", "services"];
// The SDK's pattern for "<type> <name>" headers, with an optional pair of quotes.
const PREFIXED_HEADER = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;
const REJECTED_HEADERS = ["__proto__", "profile __proto__"];

/** Strips a comment the way the SDK does: `#` or `;` at the start or after whitespace. */
export function stripComment(text: string): string {
  return (text.split(/(^|\s)[;#]/)[0] ?? "").trim();
}

/** Returns the name the SDK stores a section header under for this kind of file, if any. */
export function sdkSectionName(header: string, kind: FileKind): string | undefined {
  const match = PREFIXED_HEADER.exec(header);
  let raw: string | undefined;
  if (match) {
    const [, prefix, , name] = match;
    raw = prefix && SECTION_TYPES.includes(prefix) ? `${prefix}.${name}` : undefined;
  } else {
    raw = header;
  }
  // The SDK drops the keys of a section whose name is empty, as in "[]".
  if (raw === undefined || raw === "") return undefined;
  if (kind === "credentials") return raw;
  // The config file keeps "default" and sections with a known type prefix; "[profile x]" becomes "x".
  if (raw === "default") return raw;
  const dot = raw.indexOf(".");
  if (dot === -1) return undefined;
  const prefix = raw.slice(0, dot);
  if (!SECTION_TYPES.includes(prefix)) return undefined;
  return prefix === "profile" ? raw.slice(dot + 1) : raw;
}

export function scanIni(text: string, kind: FileKind): ScannedFile {
  const scanned: ScannedFile = { kind, sections: [], keysOutsideSections: [], unparsedLines: [] };
  let section: ScannedSection | undefined;
  let inSection = false;
  let subSection: string | undefined;
  const lines = text.split(/\r?\n/);

  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    const number = index + 1;
    const trimmed = stripComment(raw);
    if (trimmed === "") continue;

    if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
      const header = trimmed.slice(1, -1);
      if (REJECTED_HEADERS.includes(header) && !scanned.rejectedHeader) scanned.rejectedHeader = { line: number, text: raw };
      section = { header, line: number, sdkName: sdkSectionName(header, kind), keys: [] };
      scanned.sections.push(section);
      inSection = true;
      subSection = undefined;
      continue;
    }

    const equals = trimmed.indexOf("=");
    if (equals <= 0) {
      scanned.unparsedLines.push({ line: number, text: raw });
      continue;
    }
    if (!inSection || !section) {
      scanned.keysOutsideSections.push({ line: number, text: raw });
      continue;
    }
    const name = trimmed.slice(0, equals).trim();
    const value = trimmed.slice(equals + 1).trim();
    if (value === "") {
      // An empty value opens a sub-section: indented keys below become "name.key".
      subSection = name;
      section.keys.push({ name, value: "", line: number, text: raw });
      continue;
    }
    if (subSection && raw.trimStart() === raw) subSection = undefined;
    section.keys.push({ name: subSection ? `${subSection}.${name}` : name, value, line: number, text: raw });
  }
  return scanned;
}

/** Returns the sections the SDK stores under `sdkName`, in file order. */
export function sectionsNamed(file: ScannedFile, sdkName: string): ScannedSection[] {
  return file.sections.filter((section) => section.sdkName === sdkName);
}

/** Returns the line of the last definition of `key` in the sections named `sdkName`. */
export function lineOfKey(file: ScannedFile | undefined, sdkName: string, key: string): number | undefined {
  if (!file) return undefined;
  let found: number | undefined;
  for (const section of sectionsNamed(file, sdkName)) {
    for (const entry of section.keys) if (entry.name === key) found = entry.line;
  }
  return found;
}
