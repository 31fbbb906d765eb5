// preflight() keeps `satisfies SSTConfig` type-correct: the example app type-checks
// against the real sst@2 types, and a wrong field type is still caught.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { makeSstApp, REPO_ROOT } from "./harness/sst-app.js";

const TSC = path.join(REPO_ROOT, "node_modules", ".bin", "tsc");
const TSCONFIG = JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "ES2022", skipLibCheck: true, types: [] },
  include: ["sst.config.ts"],
});

async function typecheck(replace: Array<[string, string]>) {
  const app = makeSstApp({ replace });
  try {
    writeFileSync(path.join(app.dir, "tsconfig.json"), TSCONFIG);
    return await execa(TSC, ["-p", "."], { cwd: app.dir, reject: false });
  } finally {
    app.cleanup();
  }
}

const types = suite("preflight() types");

types("example app type-checks", async () => {
  const result = await typecheck([]);
  assert.is(result.exitCode, 0, result.stdout);
});

types("input is typed from SSTConfig", async () => {
  const result = await typecheck([["(_input) => ({", "(input) => ({\n      stage: input.stage,"]]);
  assert.is(result.exitCode, 0, result.stdout);
});

types("wrong config field type is caught", async () => {
  const result = await typecheck([['name: "preflight-example",', "name: 42,"]]);
  assert.is(result.exitCode, 1);
  assert.match(result.stdout, "Type 'number' is not assignable to type 'string'");
});

types("wrong option type is caught", async () => {
  const result = await typecheck([['accounts: ["111111111111"],', "accounts: 111111111111,"]]);
  assert.is(result.exitCode, 1);
  assert.match(result.stdout, "Type 'number' is not assignable to type 'string[]'");
});

types.run();
