// Random, truncated, corrupted and binary IAM policy files for the policy-file reader,
// in-process and through `sst-preflight policy --policy-file`: a document or one clear
// error naming the file, never a crash, a stack trace or a hang.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { PolicyDocumentError, readPolicyFile } from "../hooks/permissions/policy-document.js";
import { runCli } from "./harness/cli-project.js";
import { corrupt, fuzz, mutateJson, randomBinary, randomJsonValue, randomText, RAW_RUNTIME_ERROR, truncate, type Random } from "./harness/fuzz.js";

const POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Deploy", Effect: "Allow", Action: ["cloudformation:*", "lambda:CreateFunction"], Resource: "*" },
    { Effect: "Deny", NotAction: "iam:*", NotResource: ["arn:aws:iam::111111111111:role/x"], Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } },
  ],
};
const POLICY_TEXT = JSON.stringify(POLICY, null, 2);

function policyText(random: Random): string | Buffer {
  switch (random.int(6)) {
    case 0:
      return randomBinary(random, 300);
    case 1:
      return randomText(random, 300);
    case 2:
      return truncate(random, POLICY_TEXT);
    case 3:
      return corrupt(random, POLICY_TEXT);
    case 4:
      return JSON.stringify(randomJsonValue(random));
    default:
      return JSON.stringify(mutateJson(random, POLICY));
  }
}

let folder = "";
const policy = suite("policy file fuzz");

policy.before(() => {
  folder = mkdtempSync(path.join(tmpdir(), "preflight-fuzz-policy-"));
  writeFileSync(path.join(folder, "cdk.json"), JSON.stringify({ app: "node app.js" }));
});

policy.after(() => {
  rmSync(folder, { recursive: true, force: true });
});

policy("policy file reader", async () => {
  const file = path.join(folder, "policy.json");
  const cases = await fuzz("readPolicyFile", {
    count: 3_000,
    budgetMs: 4_000,
    generate: policyText,
    check: (text) => {
      writeFileSync(file, text);
      try {
        const document = readPolicyFile(file);
        assert.ok(Array.isArray(document.Statement), "Statement is a list");
        assert.ok(document.Statement.length > 0, "a document has at least one statement");
      } catch (error) {
        assert.instance(error, PolicyDocumentError, `expected a PolicyDocumentError, got ${(error as Error).name}: ${(error as Error).message}`);
        assert.match((error as Error).message, file);
        assert.not.match((error as Error).message, RAW_RUNTIME_ERROR);
      }
    },
    show: (text) => JSON.stringify(text.toString("latin1")),
  });
  assert.ok(cases >= 200, `only ${cases} cases ran`);
});

policy("policy command with broken files", async () => {
  // Each case starts the CLI, so a few cases cover the path from the reader to the exit code.
  await fuzz("policy --policy-file", {
    count: 6,
    budgetMs: 10_000,
    caseLimitMs: 10_000,
    generate: (random, index) => (index === 0 ? Buffer.from([0xff, 0xfe, 0x00, 0x7b]) : policyText(random)),
    check: async (text) => {
      writeFileSync(path.join(folder, "broken.json"), text);
      const run = await runCli(["policy", "--strategy", "policy-file", "--policy-file", "broken.json"], {
        cwd: folder,
        env: { PATH: process.env.PATH ?? "", HOME: folder, NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true" },
      });
      assert.ok(run.exitCode === 0 || run.exitCode === 2, `exit code ${run.exitCode}: ${run.stderr}`);
      if (run.exitCode === 2) assert.match(run.stderr, "broken.json");
      assert.not.match(run.stderr, /\n\s+at /, "no stack trace");
      assert.not.match(run.stderr, /unexpected error/);
    },
    show: (text) => JSON.stringify(text.toString("latin1")),
  });
});

policy.run();
