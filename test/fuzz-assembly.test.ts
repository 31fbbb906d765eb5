// Random, truncated, corrupted and binary cloud assemblies (manifest.json, nested
// assemblies, templates) for both readers: the bootstrap check's and the permission
// check's. Each returns a result or a clear error naming the file, never a crash or hang.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readCloudAssembly as readForBootstrap } from "../hooks/bootstrap/cloud-assembly.js";
import { AssemblyError, readCloudAssembly as readForPermissions } from "../hooks/permissions/assembly.js";
import { corrupt, fuzz, mutateJson, randomBinary, randomText, RAW_RUNTIME_ERROR, truncate, type Random } from "./harness/fuzz.js";

const MANIFEST = {
  version: "36.0.0",
  artifacts: {
    "App.assets": {
      type: "cdk:asset-manifest",
      properties: { file: "App.assets.json", requiresBootstrapStackVersion: 6, bootstrapStackVersionSsmParameter: "/cdk-bootstrap/hnb659fds/version" },
    },
    App: {
      type: "aws:cloudformation:stack",
      environment: "aws://123456789012/eu-west-1",
      properties: { templateFile: "App.template.json", stackName: "app-dev", requiresBootstrapStackVersion: 6 },
    },
    Stage: { type: "cdk:cloud-assembly", properties: { directoryName: "assembly-Stage" } },
  },
};
const NESTED = {
  version: "36.0.0",
  artifacts: { Edge: { type: "aws:cloudformation:stack", environment: "aws://unknown-account/unknown-region", properties: { templateFile: "Edge.template.json" } } },
};
const TEMPLATE = { Resources: { Fn: { Type: "AWS::Lambda::Function", Properties: { Region: "us-east-1" } }, Table: { Type: "AWS::DynamoDB::Table" } } };

/** Returns one document's text: binary, random, truncated, corrupted or structurally mutated. */
function documentText(random: Random, valid: unknown): string | Buffer {
  const text = JSON.stringify(valid, null, 1);
  switch (random.int(6)) {
    case 0:
      return randomBinary(random, 200);
    case 1:
      return randomText(random, 200);
    case 2:
      return truncate(random, text);
    case 3:
      return corrupt(random, text);
    default:
      return JSON.stringify(mutateJson(random, valid));
  }
}

interface AssemblyFiles {
  [file: string]: string | Buffer;
}

/** Builds the files of an assembly: usually one broken document among valid ones. */
function assemblyFiles(random: Random): AssemblyFiles {
  const files: AssemblyFiles = {
    "manifest.json": JSON.stringify(MANIFEST),
    "App.template.json": JSON.stringify(TEMPLATE),
    "assembly-Stage/manifest.json": JSON.stringify(NESTED),
    "assembly-Stage/Edge.template.json": JSON.stringify(TEMPLATE),
  };
  // The manifests decide the most, so they are broken more often than templates.
  const broken = random.chance(0.5) ? random.pick(["manifest.json", "assembly-Stage/manifest.json"]) : random.pick(Object.keys(files));
  let valid: unknown = TEMPLATE;
  if (broken === "manifest.json") valid = MANIFEST;
  if (broken === "assembly-Stage/manifest.json") valid = NESTED;
  files[broken] = documentText(random, valid);
  if (random.chance(0.2)) delete files[random.pick(Object.keys(files))];
  return files;
}

let root = "";
const assembly = suite("cloud assembly fuzz");

assembly.before(() => {
  root = mkdtempSync(path.join(tmpdir(), "preflight-fuzz-assembly-"));
});

assembly.after(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeAssembly(index: number, files: AssemblyFiles): string {
  const directory = path.join(root, `cdk.out-${index}`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), text);
  }
  return directory;
}

const show = (files: AssemblyFiles) => JSON.stringify(Object.fromEntries(Object.entries(files).map(([file, text]) => [file, text.toString("latin1")])));

assembly("bootstrap reader", async () => {
  const cases = await fuzz("bootstrap assembly reader", {
    count: 400,
    budgetMs: 5_000,
    generate: assemblyFiles,
    check: (files, index) => {
      const directory = writeAssembly(index, files);
      const read = readForBootstrap(root, path.basename(directory));
      assert.ok(["none", "invalid", "read"].includes(read.kind), read.kind);
      if (read.kind === "invalid") {
        assert.match(read.problem, /manifest\.json|template\.json/, `the problem names the file: ${read.problem}`);
        assert.not.match(read.problem, RAW_RUNTIME_ERROR);
      }
      if (read.kind === "read") assert.ok(Array.isArray(read.artifacts));
    },
    show,
  });
  assert.ok(cases >= 50, `only ${cases} cases ran`);
});

assembly("permissions reader", async () => {
  await fuzz("permissions assembly reader", {
    count: 400,
    budgetMs: 5_000,
    generate: assemblyFiles,
    check: (files, index) => {
      const directory = writeAssembly(1_000 + index, files);
      try {
        const read = readForPermissions(directory);
        if (read) assert.ok(Array.isArray(read.stacks));
      } catch (error) {
        assert.instance(error, AssemblyError, `expected an AssemblyError, got ${(error as Error).name}: ${(error as Error).message}`);
        assert.match((error as Error).message, directory);
        assert.not.match((error as Error).message, RAW_RUNTIME_ERROR);
      }
    },
    show,
  });
});

assembly("nested assembly loops", () => {
  const directory = writeAssembly(9_999, { "manifest.json": JSON.stringify({ artifacts: { Self: { type: "cdk:cloud-assembly", properties: { directoryName: "." } } } }) });
  const read = readForBootstrap(root, path.basename(directory));
  assert.ok(read.kind === "read" || read.kind === "invalid", read.kind);
  assert.throws(() => readForPermissions(directory), (error: Error) => error instanceof AssemblyError && /nested/.test(error.message));
});

assembly.run();
