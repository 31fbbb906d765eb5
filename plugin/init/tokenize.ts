// A small tokenizer for JavaScript and TypeScript source, enough to find the
// default export and its `config` member without a compiler. Strings, template
// literals (with nested `${}`), comments and regular expressions become single
// tokens, so brackets inside them are never counted. Source it cannot read, such as
// an unterminated string, raises a TokenizeError and the caller edits nothing.

export type TokenKind = "identifier" | "string" | "template" | "number" | "regex" | "punctuation" | "comment";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  /** Offset just past the token. */
  end: number;
  /** 1-based line of the token's first character. */
  line: number;
}

export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
  override get name(): string {
    return "TokenizeError";
  }
}

// Keywords after which a `/` starts a regular expression rather than a division.
const REGEX_AFTER_KEYWORD = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await",
]);
const PUNCTUATORS = ["...", "===", "!==", "**=", "<<=", ">>=", ">>>", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>"];
const IDENTIFIER_START = /[A-Za-z_$\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Splits `source` into tokens; comments are kept as tokens of kind "comment". */
export function tokenize(source: string): Token[] {
  return new Scanner(source).scan(source.length, false).tokens;
}

/** Returns the tokens without comments. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((token) => token.kind !== "comment");
}

class Scanner {
  private position = 0;
  private lineOffset = 0;
  private line = 1;

  constructor(private readonly source: string) {}

  /** Scans up to `limit`, or up to the `}` that closes a template substitution when `inTemplate` is set. */
  scan(limit: number, inTemplate: boolean): { tokens: Token[]; end: number } {
    const tokens: Token[] = [];
    let braceDepth = 0;
    let previous: Token | undefined;
    const source = this.source;

    while (this.position < limit) {
      const start = this.position;
      const char = source[start]!;

      if (/\s/.test(char)) {
        this.position++;
        continue;
      }
      if (start === 0 && source.startsWith("#!")) {
        this.position = lineEnd(source, start);
        continue;
      }

      let token: Token;
      if (source.startsWith("//", start)) {
        token = this.take("comment", lineEnd(source, start));
      } else if (source.startsWith("/*", start)) {
        const close = source.indexOf("*/", start + 2);
        if (close === -1) throw new TokenizeError("unterminated /* comment", start);
        token = this.take("comment", close + 2);
      } else if (char === '"' || char === "'") {
        token = this.take("string", this.stringEnd(start, char));
      } else if (char === "`") {
        token = this.take("template", this.templateEnd(start));
      } else if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(source[start + 1] ?? ""))) {
        let end = start + 1;
        while (end < limit && /[0-9A-Za-z_.]/.test(source[end]!)) end++;
        token = this.take("number", end);
      } else if (IDENTIFIER_START.test(char) || char === "\\") {
        let end = start + 1;
        while (end < limit && IDENTIFIER_PART.test(source[end]!)) end++;
        token = this.take("identifier", end);
      } else if (char === "/" && startsRegex(previous)) {
        token = this.take("regex", this.regexEnd(start));
      } else {
        const punctuator = PUNCTUATORS.find((candidate) => source.startsWith(candidate, start)) ?? char;
        if (inTemplate && punctuator === "}" && braceDepth === 0) {
          this.position++;
          return { tokens, end: this.position };
        }
        if (punctuator === "{") braceDepth++;
        if (punctuator === "}") braceDepth--;
        token = this.take("punctuation", start + punctuator.length);
      }

      tokens.push(token);
      if (token.kind !== "comment") previous = token;
    }

    if (inTemplate) throw new TokenizeError("unterminated ${ in a template literal", this.position);
    return { tokens, end: this.position };
  }

  private take(kind: TokenKind, end: number): Token {
    for (let index = this.lineOffset; index < this.position; index++) {
      if (this.source[index] === "\n") this.line++;
    }
    this.lineOffset = this.position;
    const token = { kind, text: this.source.slice(this.position, end), start: this.position, end, line: this.line };
    this.position = end;
    return token;
  }

  private stringEnd(start: number, quote: string): number {
    for (let index = start + 1; index < this.source.length; index++) {
      const char = this.source[index];
      if (char === "\\") index++;
      else if (char === quote) return index + 1;
      else if (char === "\n") break;
    }
    throw new TokenizeError("unterminated string", start);
  }

  private templateEnd(start: number): number {
    let index = start + 1;
    while (index < this.source.length) {
      const char = this.source[index];
      if (char === "\\") {
        index += 2;
      } else if (char === "`") {
        return index + 1;
      } else if (char === "$" && this.source[index + 1] === "{") {
        // Substitutions may hold any expression, templates and braces included.
        const nested = new Scanner(this.source);
        nested.position = index + 2;
        index = nested.scan(this.source.length, true).end;
      } else {
        index++;
      }
    }
    throw new TokenizeError("unterminated template literal", start);
  }

  private regexEnd(start: number): number {
    let inClass = false;
    for (let index = start + 1; index < this.source.length; index++) {
      const char = this.source[index];
      if (char === "\\") index++;
      else if (char === "\n") break;
      else if (char === "[") inClass = true;
      else if (char === "]") inClass = false;
      else if (char === "/" && !inClass) {
        let end = index + 1;
        while (end < this.source.length && /[a-z]/.test(this.source[end]!)) end++;
        return end;
      }
    }
    throw new TokenizeError("unterminated regular expression", start);
  }
}

function lineEnd(source: string, start: number): number {
  const newline = source.indexOf("\n", start);
  return newline === -1 ? source.length : newline;
}

/** Returns whether a `/` after `previous` starts a regular expression, by the usual heuristic of JS tools. */
function startsRegex(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === "identifier") return REGEX_AFTER_KEYWORD.has(previous.text);
  if (previous.kind === "punctuation") return ![")", "]", "}"].includes(previous.text);
  return false;
}

/**
 * Returns, for each opening bracket's index in `tokens`, the index of its closing
 * bracket. Raises a TokenizeError when the brackets do not balance.
 */
export function matchBrackets(tokens: Token[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  const closing: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  tokens.forEach((token, index) => {
    if (token.kind !== "punctuation") return;
    if (token.text === "(" || token.text === "[" || token.text === "{") {
      stack.push(index);
      return;
    }
    const opener = closing[token.text];
    if (!opener) return;
    const open = stack.pop();
    if (open === undefined || tokens[open]!.text !== opener) {
      throw new TokenizeError(`unbalanced "${token.text}"`, token.start);
    }
    pairs.set(open, index);
  });
  if (stack.length > 0) throw new TokenizeError(`unclosed "${tokens[stack.at(-1)!]!.text}"`, tokens[stack.at(-1)!]!.start);
  return pairs;
}
