// Routes the deploy commands of package scripts through the wrapper:
// `sst deploy --stage prod` becomes `sst-preflight deploy --stage prod`, and
// `cdk deploy` becomes `sst-preflight cdk deploy`. Scripts are split into shell words,
// so text inside quotes (such as `bash -c "sst deploy"`) is never changed.

export type Binary = "sst" | "cdk";

export interface RoutedScript {
  text: string;
  /** How many commands were routed. */
  routed: number;
  /** The tool commands that were routed, such as "deploy". */
  commands: string[];
  /** The tool commands that already ran through sst-preflight. */
  alreadyRouted: string[];
  /** Reasons for leaving commands that run the tool unchanged. */
  skipped: string[];
}

interface Word {
  text: string;
  start: number;
  end: number;
  /** A control operator such as `&&`, `;` or `|`. */
  operator: boolean;
}

const OPERATORS = ["&&", "||", ";", "|", "&", "(", ")"];
// Runners that start a package binary: `npx sst`, `pnpm exec sst`, `yarn sst`.
const RUNNERS: Record<string, string[]> = { npx: [], bunx: [], pnpm: ["exec"], yarn: [], "cross-env": [] };
// Options of sst that the wrapper also accepts before the command.
const WRAPPER_OPTIONS = new Set(["--stage", "--profile", "--region"]);
const SST_VALUE_OPTIONS = new Set(["--stage", "--profile", "--region", "--role", "--role-arn"]);
const CDK_VALUE_OPTIONS = new Set(["--profile", "-c", "--context", "-a", "--app", "--region", "-o", "--output", "-r", "--role-arn"]);

export function routeScript(script: string, binary: Binary, commands: ReadonlySet<string>): RoutedScript {
  const words = splitWords(script);
  const replacements: Array<{ start: number; end: number; text: string }> = [];
  const skipped: string[] = [];
  const routedCommands: string[] = [];
  const alreadyRouted: string[] = [];

  for (let index = 0; index < words.length; index++) {
    if (index > 0 && !words[index - 1]!.operator) continue;
    let cursor = index;
    // Leading assignments (`STAGE=prod sst deploy`) and runners (`npx`, `pnpm exec`).
    for (;;) {
      const word = words[cursor];
      if (!word || word.operator) break;
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) cursor++;
      else if (word.text in RUNNERS) {
        cursor++;
        for (const sub of RUNNERS[word.text]!) if (words[cursor]?.text === sub) cursor++;
        while (words[cursor]?.text.startsWith("-") && !words[cursor]!.operator) cursor++;
      } else break;
    }
    const bin = words[cursor];
    if (bin?.text === "sst-preflight" && !bin.operator) {
      let wrapped = findCommand(words, cursor + 1, binary);
      if (binary === "cdk") wrapped = words[cursor + 1]?.text === "cdk" ? findCommand(words, cursor + 2, binary) : undefined;
      if (wrapped) alreadyRouted.push(wrapped.command);
      continue;
    }
    if (!bin || bin.operator || bin.text !== binary) continue;

    const found = findCommand(words, cursor + 1, binary);
    if (!found || !commands.has(found.command)) continue;
    if (found.foreignOption) {
      skipped.push(`\`${script.slice(bin.start, words[found.index]!.end)}\`: the option ${found.foreignOption} before the command is not an sst-preflight option`);
      continue;
    }
    replacements.push({ start: bin.start, end: bin.end, text: binary === "sst" ? "sst-preflight" : "sst-preflight cdk" });
    routedCommands.push(found.command);
  }

  let text = script;
  for (const replacement of replacements.reverse()) {
    text = text.slice(0, replacement.start) + replacement.text + text.slice(replacement.end);
  }
  return { text, routed: replacements.length, commands: routedCommands, alreadyRouted, skipped };
}

/** Returns the tool's command after the binary, skipping options given before it. */
function findCommand(words: Word[], from: number, binary: Binary): { command: string; index: number; foreignOption?: string } | undefined {
  let foreignOption: string | undefined;
  for (let index = from; index < words.length; index++) {
    const word = words[index]!;
    if (word.operator) return undefined;
    if (!word.text.startsWith("-")) return { command: word.text, index, ...(foreignOption ? { foreignOption } : {}) };
    const [name] = word.text.split("=", 1) as [string];
    const takesValue = !word.text.includes("=") && (binary === "cdk" ? CDK_VALUE_OPTIONS : SST_VALUE_OPTIONS).has(name);
    if (binary === "sst" && !WRAPPER_OPTIONS.has(name)) foreignOption ??= name;
    if (takesValue) index++;
  }
  return undefined;
}

/** Splits a shell command into words and control operators, honouring quotes and escapes. */
export function splitWords(script: string): Word[] {
  const words: Word[] = [];
  let index = 0;
  while (index < script.length) {
    const char = script[index]!;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const operator = OPERATORS.find((candidate) => script.startsWith(candidate, index));
    if (operator) {
      words.push({ text: operator, start: index, end: index + operator.length, operator: true });
      index += operator.length;
      continue;
    }
    const start = index;
    while (index < script.length && !/\s/.test(script[index]!) && !OPERATORS.some((candidate) => script.startsWith(candidate, index))) {
      const current = script[index]!;
      if (current === "\\") index += 2;
      else if (current === "'" || current === '"') {
        const close = script.indexOf(current, index + 1);
        index = close === -1 ? script.length : close + 1;
      } else index++;
    }
    words.push({ text: script.slice(start, index), start, end: index, operator: false });
  }
  return words;
}
