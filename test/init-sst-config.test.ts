// The sst.config.ts edit of init: every shape it accepts comes out as valid
// TypeScript that registers preflight(), and every shape it does not understand is
// rejected with a reason, never half edited.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { transformSync } from "esbuild";
import { registerPreflight } from "../plugin/init/sst-config.js";
import { matchBrackets, significant, tokenize, TokenizeError } from "../plugin/init/tokenize.js";

/** Throws when `source` is not valid TypeScript. */
function assertCompiles(source: string): void {
  try {
    transformSync(source, { loader: "ts", format: "esm" });
  } catch (error) {
    assert.unreachable(`edited file does not compile: ${(error as Error).message}\n${source}`);
  }
}

function edited(source: string): string {
  const result = registerPreflight(source);
  assert.is(result.kind, "edited", result.kind === "rejected" ? result.reason : "");
  if (result.kind !== "edited") throw new Error("unreachable");
  assertCompiles(result.text);
  assert.is(registerPreflight(result.text).kind, "registered", "a second run must find the hook");
  return result.text;
}

const METHOD = `import { SSTConfig } from "sst";
import { API } from "./stacks/MyStack";

export default {
  config(_input) {
    return {
      name: "my-sst-app",
      region: "us-east-1",
    };
  },
  stacks(app) {
    app.stack(API);
  }
} satisfies SSTConfig;
`;

const shapes = suite("accepted shapes");

shapes("method config gets wrapped", () => {
  const text = edited(METHOD);
  assert.match(text, 'import { API } from "./stacks/MyStack";\nimport { preflight } from "sst-preflight";\n');
  assert.match(text, "  config: preflight(function config(_input) {\n");
  assert.match(text, "    };\n  }),\n  stacks(app) {");
});

shapes("async method keeps async", () => {
  const text = edited(`import type { SSTConfig } from 'sst'
export default {
  async config(input) { return { name: \`app-\${input.stage ?? "x"}\`, region: "eu-west-1" } },
  stacks(app) { app.stack(function A({ stack }) { const pattern = /}{/g; }) },
} satisfies SSTConfig
`);
  assert.match(text, "import { preflight } from 'sst-preflight'\n", "quote style and missing semicolons follow the file");
  assert.match(text, "config: preflight(async function config(input) {");
  assert.match(text, "/}{/g", "braces inside a regular expression are left alone");
});

shapes("arrow property keeps trailing comment", () => {
  const text = edited(`import { SSTConfig } from "sst";
export default {
  config: (_input) => ({ name: "a", region: "us-east-1" }), // the app
  stacks(app) {},
} satisfies SSTConfig;
`);
  assert.match(text, 'config: preflight((_input) => ({ name: "a", region: "us-east-1" })), // the app');
});

shapes("exported constant object", () => {
  const text = edited(`import { SSTConfig } from "sst";
const app: SSTConfig = {
  config: () => ({ name: "a" }),
  stacks() {},
};
export default app;
`);
  assert.match(text, 'config: preflight(() => ({ name: "a" })),');
});

shapes("shorthand member", () => {
  const text = edited(`function config() { return { name: "a" }; }
export default { config, stacks() {} };
`);
  assert.match(text, "export default { config: preflight(config), stacks() {} };");
  assert.ok(text.startsWith('import { preflight } from "sst-preflight";\n'), "with no import, the import goes first");
});

shapes("method with typed parameters", () => {
  const text = edited(`import type { SSTConfig } from "sst";
export default {
  config(input: Record<string, unknown>): { name: string } {
    return { name: String(input.stage) };
  },
  stacks() {},
} satisfies SSTConfig;
`);
  assert.match(text, "config: preflight(function config(input: Record<string, unknown>): { name: string } {");
});

shapes("spread before config", () => {
  const text = edited("const base = { stacks() {} };\nexport default { ...base, config: () => ({ name: \"a\" }) };\n");
  assert.match(text, 'config: preflight(() => ({ name: "a" }))');
});

shapes("template literals and comments with braces", () => {
  const text = edited(`import { SSTConfig } from "sst";
/* a comment with { and } */
export default {
  // config() { in a comment }
  config(input) {
    const name = \`shop-\${input.stage === "x" ? \`{\${"}"}\` : "y"}\`;
    return { name };
  },
  stacks() {},
} satisfies SSTConfig;
`);
  assert.match(text, "  // config() { in a comment }\n  config: preflight(function config(input) {");
});

shapes.run();

// ---

const rejected = suite("rejected shapes");

const REJECTED: Array<[string, string, string]> = [
  ["spread", "const base = {}; export default { ...base, stacks() {} };", "spread"],
  ["spread after config", "const base = {}; export default { config: () => ({}), ...base };", "after its config member"],
  ["this in method", "export default { config() { return this.x; }, x: 1 };", "`this`"],
  ["SST v3", "export default $config({ app() { return {}; }, async run() {} });", "SST v3"],
  ["CommonJS", "module.exports = { config() { return {}; } };", "module.exports"],
  ["no config", "export default { stacks() {} };", "no config member"],
  ["config twice", "export default { config: () => ({}), config: () => ({}) };", "more than once"],
  ["getter", "export default { get config() { return () => ({}); } };", "getter"],
  ["return type with comma", "export default { config: async (input): Promise<Record<string, string>> => ({}), stacks() {} };", "shape"],
  ["unterminated string", 'export default { config() { return "a; } };', "unterminated string"],
  ["unbalanced braces", "export default { config() { return {}; };", "unclosed"],
  ["preflight without import", "export default { config: preflight(() => ({})) };", "does not import"],
  ["factory call", "export default makeConfig({ config() { return {}; } });", "not an object literal"],
];

for (const [name, source, reason] of REJECTED) {
  rejected(`${name} is rejected`, () => {
    const result = registerPreflight(source);
    assert.is(result.kind, "rejected");
    if (result.kind === "rejected") assert.match(result.reason, reason);
  });
}

rejected("registered file is left alone", () => {
  const source = `import { preflight } from "sst-preflight";\nexport default { config: preflight(() => ({ name: "a" })), stacks() {} };\n`;
  assert.is(registerPreflight(source).kind, "registered");
});

rejected.run();

// ---

const tokens = suite("tokenize");

tokens("regex after return, division after name", () => {
  const list = significant(tokenize("function f(a) { return /[}]/.test(a) ? a / 2 : 0; }"));
  assert.ok(list.some((token) => token.kind === "regex" && token.text === "/[}]/"));
  assert.ok(list.some((token) => token.kind === "punctuation" && token.text === "/"));
  matchBrackets(list);
});

tokens("lines are counted", () => {
  const list = tokenize("a\n/* x\ny */\nb");
  assert.is(list.at(-1)!.text, "b");
  assert.is(list.at(-1)!.line, 4);
});

tokens("unterminated template raises", () => {
  assert.throws(() => tokenize("const a = `x${ {"), (error: unknown) => error instanceof TokenizeError);
});

tokens.run();
