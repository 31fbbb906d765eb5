// Registers preflight() in an SST v2 sst.config.ts: adds the import and wraps the
// `config` member of the default export. The edit works on tokens, not on regular
// expressions over the text. It rejects any shape it does not understand, and the
// caller then prints what to paste instead.
import { matchBrackets, significant, tokenize, TokenizeError, type Token } from "./tokenize.js";

export type SstConfigEdit =
  | { kind: "edited"; text: string }
  | { kind: "registered" }
  | { kind: "rejected"; reason: string };

const PACKAGE = "sst-preflight";

export function registerPreflight(source: string): SstConfigEdit {
  let tokens: Token[];
  let pairs: Map<number, number>;
  try {
    tokens = significant(tokenize(source));
    pairs = matchBrackets(tokens);
  } catch (error) {
    if (error instanceof TokenizeError) return reject(`${error.message} at line ${lineOf(source, error.offset)}`);
    throw error;
  }

  const imported = findImports(tokens, source).some((entry) => entry.module === PACKAGE);
  const called = tokens.some((token, index) => token.text === "preflight" && tokens[index + 1]?.text === "(");
  if (imported && called) return { kind: "registered" };
  if (called) return reject("it calls preflight() but does not import it from sst-preflight");

  const object = findExportedObject(tokens, pairs);
  if (typeof object === "string") return reject(object);
  const member = findConfigMember(tokens, pairs, object);
  if (typeof member === "string") return reject(member);

  const edits: Array<{ at: number; remove?: number; insert: string }> = [];
  const imports = findImports(tokens, source);
  const quote = imports[0]?.quote ?? '"';
  const semicolon = imports.length === 0 || imports.some((entry) => entry.semicolon) ? ";" : "";
  const importLine = `import { preflight } from ${quote}${PACKAGE}${quote}${semicolon}`;
  const lastImport = imports.at(-1);
  edits.push(lastImport ? { at: lastImport.end, insert: `\n${importLine}` } : { at: 0, insert: `${importLine}\n` });

  if (member.kind === "method") {
    const head = tokens[member.first]!;
    const name = tokens[member.name]!;
    const prefix = member.async ? "async " : "";
    edits.push({ at: head.start, remove: name.end - head.start, insert: `config: preflight(${prefix}function config` });
    edits.push({ at: tokens[member.last]!.end, insert: ")" });
  } else if (member.kind === "property") {
    edits.push({ at: tokens[member.valueFirst]!.start, insert: "preflight(" });
    edits.push({ at: tokens[member.last]!.end, insert: ")" });
  } else {
    const name = tokens[member.name]!;
    edits.push({ at: name.start, remove: name.end - name.start, insert: "config: preflight(config)" });
  }

  const text = applyEdits(source, edits);
  // Prove the result is still well formed and now registered, or edit nothing.
  const check = registerPreflightCheck(text);
  if (check) return reject(`the edited file would not be valid (${check})`);
  return { kind: "edited", text };
}

type ConfigMember =
  | { kind: "method"; first: number; name: number; last: number; async: boolean }
  | { kind: "property"; name: number; valueFirst: number; last: number }
  | { kind: "shorthand"; name: number };

/** Finds the `{` of the object that the file exports by default, or returns why not. */
function findExportedObject(tokens: Token[], pairs: Map<number, number>): number | string {
  const index = tokens.findIndex((token, position) => token.text === "export" && tokens[position + 1]?.text === "default");
  if (index === -1) {
    const commonJs = tokens.some((token, position) => token.text === "module" && tokens[position + 2]?.text === "exports");
    return commonJs ? "it uses module.exports; only an `export default { ... }` object is edited" : "it has no `export default`";
  }
  const value = tokens[index + 2];
  if (value?.text === "{") return index + 2;
  if (value?.text === "$config") return "it uses $config(), so it is an SST v3 app, which runs the checks through the wrapper";
  if (value?.kind === "identifier" && tokens[index + 3]?.text !== "(") {
    // `const config = { ... }; export default config;`
    for (let position = 0; position < tokens.length; position++) {
      const token = tokens[position]!;
      if (!["const", "let", "var"].includes(token.text) || tokens[position + 1]?.text !== value.text) continue;
      let cursor = position + 2;
      if (tokens[cursor]?.text === ":") {
        while (cursor < tokens.length && tokens[cursor]!.text !== "=") cursor++;
      }
      if (tokens[cursor]?.text === "=" && tokens[cursor + 1]?.text === "{" && pairs.has(cursor + 1)) return cursor + 1;
      return `the exported ${value.text} is not assigned an object literal`;
    }
    return `the exported ${value.text} is not declared in this file`;
  }
  return "its default export is not an object literal";
}

/** Finds the single `config` member of the object opened at `open`, or returns why not. */
function findConfigMember(tokens: Token[], pairs: Map<number, number>, open: number): ConfigMember | string {
  const close = pairs.get(open)!;
  const found: ConfigMember[] = [];
  let spread = false;

  let start = open + 1;
  while (start < close) {
    let end = start;
    while (end < close && tokens[end]!.text !== ",") end = (pairs.get(end) ?? end) + 1;
    const last = end - 1;
    const member = readMember(tokens, pairs, start, last);
    if (member === "spread") {
      // A spread after config could replace the wrapped function with another one.
      if (found.length > 0) return "a spread (...) after its config member may replace it";
      spread = true;
    }
    else if (member === "accessor") return "its config is a getter or setter";
    else if (member === "unreadable") return `the member at line ${tokens[start]!.line} of its default export has a shape this edit does not read`;
    else if (member) found.push(member);
    start = end + 1;
  }

  if (found.length > 1) return "it defines config more than once";
  const member = found[0];
  if (!member) return spread ? "its config may come from a spread (...), which cannot be edited safely" : "its default export has no config member";
  if (member.kind === "method") {
    const body = tokens.slice(member.name, member.last + 1);
    if (body.some((token) => token.text === "this")) return "its config() method uses `this`, which a wrapped function would lose";
  }
  return member;
}

type MemberShape = ConfigMember | "spread" | "accessor" | "unreadable" | undefined;

/**
 * Reads one member of an object literal. Every member must start like one (a key
 * followed by `:`, `(`, `<`, or nothing for a shorthand), which also catches a
 * member list split at a comma inside a type such as `Record<string, string>`.
 */
function readMember(tokens: Token[], pairs: Map<number, number>, first: number, last: number): MemberShape {
  if (first > last) return undefined;
  if (tokens[first]!.text === "...") return "spread";
  let name = first;
  let isAsync = false;
  while (["async", "get", "set", "*"].includes(tokens[name]!.text) && name < last && !["(", ":", "<"].includes(tokens[name + 1]!.text)) {
    if (tokens[name]!.text === "async") isAsync = true;
    if (tokens[name]!.text !== "async" && tokens[name]!.text !== "*") {
      if (tokens[name + 1]?.text === "config") return "accessor";
    }
    name++;
  }
  const key = tokens[name]!;
  const follower = name === last ? undefined : tokens[name + 1]!.text;
  const keyShaped = key.kind === "identifier" || key.kind === "string" || key.kind === "number" || key.text === "[";
  if (!keyShaped || (follower !== undefined && !["(", ":", "<", "?", "!"].includes(follower) && key.text !== "[")) return "unreadable";
  if (key.text === "[") return undefined;
  const isConfigKey = (key.kind === "identifier" && key.text === "config") || (key.kind === "string" && key.text.slice(1, -1) === "config");
  if (!isConfigKey) return undefined;

  const next = tokens[name + 1];
  if (name === last) return { kind: "shorthand", name };
  if (next?.text === ":") return name + 1 < last ? { kind: "property", name, valueFirst: name + 2, last } : undefined;
  if (next?.text === "(" || next?.text === "<") {
    // A method: its body is the last `{ ... }` of the member.
    const body = tokens[last]!.text === "}" ? [...pairs.entries()].find(([, close]) => close === last)?.[0] : undefined;
    if (body === undefined) return undefined;
    return { kind: "method", first, name, last, async: isAsync };
  }
  return undefined;
}

interface ImportStatement {
  module: string;
  end: number;
  quote: string;
  semicolon: boolean;
}

/** Lists the top-level static imports with the offset just past each one. */
function findImports(tokens: Token[], source: string): ImportStatement[] {
  const imports: ImportStatement[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const before = tokens[index - 1];
    // A statement starts after `;` or `}`, or on a new line when semicolons are left out.
    const atStatementStart = !before || before.text === ";" || before.text === "}" || source.slice(before.end, token.start).includes("\n");
    if (token.text !== "import" || !atStatementStart) continue;
    if (tokens[index + 1]?.text === "(" || tokens[index + 1]?.text === ".") continue;
    let cursor = index + 1;
    while (cursor < tokens.length && !(tokens[cursor]!.kind === "string" && (tokens[cursor - 1]!.text === "from" || cursor === index + 1))) {
      if (tokens[cursor]!.text === ";" || tokens[cursor]!.text === "import") break;
      cursor++;
    }
    const specifier = tokens[cursor];
    if (specifier?.kind !== "string") continue;
    const semicolon = tokens[cursor + 1]?.text === ";";
    imports.push({
      module: specifier.text.slice(1, -1),
      end: semicolon ? tokens[cursor + 1]!.end : specifier.end,
      quote: specifier.text[0]!,
      semicolon,
    });
  }
  return imports;
}

function applyEdits(source: string, edits: Array<{ at: number; remove?: number; insert: string }>): string {
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) {
    text = text.slice(0, edit.at) + edit.insert + text.slice(edit.at + (edit.remove ?? 0));
  }
  return text;
}

/** Returns a problem with an edited file, or undefined when it tokenizes, balances and registers preflight(). */
function registerPreflightCheck(text: string): string | undefined {
  try {
    const tokens = significant(tokenize(text));
    matchBrackets(tokens);
    const registered = findImports(tokens, text).some((entry) => entry.module === PACKAGE);
    return registered ? undefined : "the import is missing";
  } catch (error) {
    if (error instanceof TokenizeError) return error.message;
    throw error;
  }
}

function reject(reason: string): SstConfigEdit {
  return { kind: "rejected", reason };
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split("\n").length;
}

/** Returns the lines to paste when the file cannot be edited. */
export function pasteInstructions(file: string): string[] {
  return [
    `Add the checks to ${file} yourself:`,
    `  1. Import preflight with the other imports:`,
    `       import { preflight } from "sst-preflight";`,
    `  2. Wrap the function of the config member with preflight():`,
    `       config: preflight((input) => ({ name: "my-app", region: "us-east-1" })),`,
    `     A method such as \`config(input) { ... }\` becomes \`config: preflight(function config(input) { ... }),\`.`,
  ];
}
