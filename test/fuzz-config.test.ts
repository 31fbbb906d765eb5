// Random, truncated, corrupted and binary configuration files for the config loader:
// it either returns a valid configuration or throws one PreflightError that names
// the file, never a crash, a raw runtime error or a hang.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../plugin/config/load.js";
import { validateConfig } from "../plugin/config/validate.js";
import { isPreflightError } from "../plugin/errors.js";
import { corrupt, fuzz, mutateJson, randomBinary, randomJsonValue, randomText, RAW_RUNTIME_ERROR, truncate, type Random } from "./harness/fuzz.js";

const VALID = {
  tool: "cdk",
  stages: {
    prod: { accounts: ["111111111111"], regions: ["eu-west-1"], profile: "prod", roleArn: "arn:aws:iam::111111111111:role/cfn-deployer", protected: true },
    "*": { accounts: ["222222222222"] },
  },
  checks: { permissions: "warn", bootstrap: "on" },
  permissions: { strategy: "services", services: ["lambda", "dynamodb"], extraActions: ["sqs:CreateQueue"] },
  bootstrap: { fix: "prompt", regions: ["us-east-1"], minVersion: 14, qualifier: "hnb659fds" },
  credentials: { expiryMarginMinutes: 15 },
  timeoutSeconds: 60,
  awsCallTimeoutSeconds: 10,
};
const VALID_TEXT = JSON.stringify(VALID, null, 2);

let project = "";
const config = suite("config loader fuzz");

config.before(() => {
  project = mkdtempSync(path.join(tmpdir(), "preflight-fuzz-config-"));
});

config.after(() => {
  rmSync(project, { recursive: true, force: true });
});

/** Returns file contents: binary, random text, a truncated or corrupted valid file, or a mutated one. */
function configText(random: Random): string | Buffer {
  switch (random.int(6)) {
    case 0:
      return randomBinary(random, 300);
    case 1:
      return randomText(random, 300);
    case 2:
      return truncate(random, VALID_TEXT);
    case 3:
      return corrupt(random, VALID_TEXT);
    case 4:
      return JSON.stringify(randomJsonValue(random));
    default:
      return JSON.stringify(mutateJson(random, VALID));
  }
}

/**
 * Asserts the loader's outcome: a config object, or a PreflightError naming `file`. A module
 * (`.ts`, `.mjs`, `.js`) is code, so its own runtime errors may appear in the message.
 */
async function expectLoadedOrClearError(load: () => Promise<unknown>, file: string): Promise<void> {
  const isModule = !file.endsWith(".json");
  try {
    const loaded = (await load()) as { config: unknown };
    assert.type(loaded.config, "object");
  } catch (error) {
    assert.ok(isPreflightError(error), `expected a PreflightError, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
    const message = (error as Error).message;
    assert.ok(message.includes(file), `the message names the file: ${message}`);
    if (!isModule) assert.not.match(message, RAW_RUNTIME_ERROR);
    assert.not.match(message, /\n\s+at /, "no stack trace in the message");
  }
}

config("preflight.config.json contents", async () => {
  const file = path.join(project, "preflight.config.json");
  const cases = await fuzz("preflight.config.json", {
    count: 400,
    budgetMs: 8_000,
    generate: configText,
    check: async (text) => {
      writeFileSync(file, text);
      await expectLoadedOrClearError(() => loadConfig(project), file);
    },
    show: (text) => JSON.stringify(text.toString("latin1")),
  });
  assert.ok(cases >= 50, `only ${cases} cases ran`);
  rmSync(file);
});

config("package.json sst-preflight key", async () => {
  const file = path.join(project, "package.json");
  await fuzz("package.json key", {
    count: 200,
    budgetMs: 4_000,
    generate: (random) => (random.chance(0.3) ? configText(random) : JSON.stringify({ name: "app", "sst-preflight": mutateJson(random, VALID) })),
    check: async (text) => {
      writeFileSync(file, text);
      await expectLoadedOrClearError(() => loadConfig(project), file);
    },
    show: (text) => JSON.stringify(text.toString("latin1")),
  });
  rmSync(file);
});

config("explicit --config files", async () => {
  // Each module file gets its own name, because Node caches imported modules by URL.
  await fuzz("--config module", {
    count: 30,
    budgetMs: 6_000,
    caseLimitMs: 4_000,
    generate: (random, index) => ({
      name: `custom-${index}.${random.pick(["mjs", "js", "ts", "json"])}`,
      text: random.chance(0.5) ? `export default ${JSON.stringify(mutateJson(random, VALID))};\n` : String(configText(random)),
    }),
    check: async ({ name, text }) => {
      const file = path.join(project, name);
      writeFileSync(file, text);
      await expectLoadedOrClearError(() => loadConfig(project, name), file);
    },
  });
});

config("inline options validation", async () => {
  await fuzz("inline options", {
    count: 2_000,
    budgetMs: 4_000,
    generate: (random) => mutateJson(random, random.chance(0.8) ? VALID : randomJsonValue(random)),
    check: (value) => {
      try {
        validateConfig(value, "the options passed to preflight()");
      } catch (error) {
        assert.ok(isPreflightError(error), `expected a PreflightError, got ${String(error)}`);
        assert.match((error as Error).message, "the options passed to preflight()");
        assert.not.match((error as Error).message, RAW_RUNTIME_ERROR);
      }
    },
  });
});

config.run();
