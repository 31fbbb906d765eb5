// The two JSON Schemas the package ships. schema/config.schema.json must equal the
// schema generated from the zod configuration schema (UPDATE_SCHEMA=1 rewrites it),
// and docs/configuration.md must document every field. schema/report.schema.json
// must accept the --json output of real runs and reject malformed documents.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { configSchema } from "../plugin/config/schema.js";
import { startMoto, type MotoServer } from "./harness/moto.js";
import { makeIsolatedEnv, type EnvVars } from "./harness/env.js";
import { makeCdkProject, runCli } from "./harness/cli-project.js";
import { parseReport, reportSchemaErrors } from "./harness/report-schema.js";
import { REPO_ROOT } from "./harness/sst-app.js";

const CONFIG_SCHEMA_FILE = path.join(REPO_ROOT, "schema", "config.schema.json");
const CONFIGURATION_DOC = path.join(REPO_ROOT, "docs", "configuration.md");

function generatedConfigSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  return {
    $schema,
    title: "sst-preflight configuration",
    description: "preflight.config.json, the \"sst-preflight\" key of package.json, or the options of preflight(). Reference: docs/configuration.md.",
    ...rest,
  };
}

interface SchemaNode {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
}

/** Lists every field path of the schema, `<name>`/`<check>` standing for record keys, with its enum values. */
function fieldPaths(node: SchemaNode, prefix = ""): Array<{ path: string; values: unknown[] }> {
  const fields: Array<{ path: string; values: unknown[] }> = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const field = prefix ? `${prefix}.${key}` : key;
    fields.push({ path: field, values: child.enum ?? child.items?.enum ?? [] });
    fields.push(...fieldPaths(child, field));
    if (typeof child.additionalProperties === "object") {
      const record = `${field}.${child.propertyNames?.enum ? "<check>" : "<name>"}`;
      fields.push({ path: record, values: child.additionalProperties.enum ?? [] });
      fields.push(...fieldPaths(child.additionalProperties, record));
    }
  }
  return fields;
}

const config = suite("configuration schema");

config("committed schema equals the generated one", () => {
  const generated = `${JSON.stringify(generatedConfigSchema(), null, 2)}\n`;
  if (process.env.UPDATE_SCHEMA === "1") writeFileSync(CONFIG_SCHEMA_FILE, generated);
  assert.fixture(readFileSync(CONFIG_SCHEMA_FILE, "utf8"), generated, "run UPDATE_SCHEMA=1 node --import tsx test/report-schema.test.ts");
});

config("reference documents every field", () => {
  const doc = readFileSync(CONFIGURATION_DOC, "utf8");
  const fields = fieldPaths(generatedConfigSchema() as SchemaNode);
  assert.ok(fields.length > 25, `only ${fields.length} fields found`);
  for (const field of fields) {
    assert.ok(doc.includes(`| \`${field.path}\` |`), `docs/configuration.md has no table row for ${field.path}`);
    for (const value of field.values) assert.ok(doc.includes(`\`${JSON.stringify(value)}\``), `docs/configuration.md does not name ${JSON.stringify(value)} of ${field.path}`);
  }
});

config("reference lists no unknown field", () => {
  const doc = readFileSync(CONFIGURATION_DOC, "utf8");
  const known = new Set(fieldPaths(generatedConfigSchema() as SchemaNode).map((field) => field.path));
  const documented = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!).filter((name) => !name.includes("=") && !/^[A-Z_]+$/.test(name));
  for (const name of documented) {
    if (name === "failOn") continue;
    assert.ok(known.has(name), `docs/configuration.md documents ${name}, which the schema does not have`);
  }
});

config("guide links resolve", () => {
  const files = [CONFIGURATION_DOC, ...readdirSync(path.join(REPO_ROOT, "docs", "guides")).map((name) => path.join(REPO_ROOT, "docs", "guides", name))];
  for (const file of files.filter((name) => name.endsWith(".md"))) {
    for (const [, target] of readFileSync(file, "utf8").matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (/^https?:/.test(target!)) continue;
      assert.ok(existsSync(path.resolve(path.dirname(file), target!)), `${path.relative(REPO_ROOT, file)} links to ${target}, which does not exist`);
    }
  }
});

config("both schemas ship in the package", () => {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { files: string[] };
  assert.ok(manifest.files.includes("schema"), `package.json files: ${manifest.files.join(", ")}`);
});

config.run();

// ---

const shape = suite("report schema");

const MINIMAL = {
  version: 1,
  status: "pass",
  blocked: false,
  tool: { name: "cdk", detectedBy: "cdk.json" },
  command: "deploy",
  stage: null,
  region: { value: "eu-west-1", source: "AWS_REGION" },
  profile: null,
  config: "defaults",
  identity: { account: "222222222222", arn: "arn:aws:iam::222222222222:user/a", userId: "AIDA" },
  credentials: { source: "environment", kind: "env", accessKeyId: "AKIA************0042", expiration: null },
  checks: [{ id: "account", title: "account", status: "pass", summary: "ok", details: [], guidance: [], durationMs: 3 }],
  changes: { args: [], sstConfig: {}, notes: [] },
  durationMs: 10,
};

shape("minimal report is valid", () => {
  assert.equal(reportSchemaErrors(MINIMAL), []);
});

const BROKEN: Array<[string, (report: any) => void, string]> = [
  ["unmasked access key", (report) => (report.credentials.accessKeyId = "AKIACLIFAKEKEY000042"), "/credentials/accessKeyId"],
  ["unknown status", (report) => (report.checks[0].status = "ok"), "/checks/0/status"],
  ["extra top-level field", (report) => (report.secret = "x"), "additionalProperty"],
  ["missing checks", (report) => delete report.checks, "checks"],
  ["bad expiration", (report) => (report.credentials.expiration = "tomorrow"), "/credentials/expiration"],
  ["unknown check id", (report) => (report.checks[0].id = "network"), "/checks/0/id"],
  ["fractional duration", (report) => (report.durationMs = 1.5), "/durationMs"],
];
for (const [name, breakIt, where] of BROKEN) {
  shape(`${name} is rejected`, () => {
    const report = structuredClone(MINIMAL) as any;
    breakIt(report);
    const errors = reportSchemaErrors(report);
    assert.ok(errors.some((error) => error.includes(where)), errors.join("\n"));
  });
}

shape.run();

// ---

interface State {
  moto: MotoServer;
}

const runs = suite<State>("report schema on real runs");

runs.before(async (state) => {
  state.moto = await startMoto({ accountId: "222222222222" });
});

runs.after(async (state) => {
  await state.moto?.stop();
});

const KEYS = { AWS_ACCESS_KEY_ID: "AKIASCHEMAFAKE000001", AWS_SECRET_ACCESS_KEY: "schemaFakeSecret0000000000000000000000000", AWS_REGION: "eu-west-1" };

async function check(state: State, args: string[], options: { config?: unknown; vars?: EnvVars; files?: { config?: string; credentials?: string } } = {}) {
  const project = makeCdkProject(options.config === undefined ? {} : { config: options.config });
  const isolated = makeIsolatedEnv({ endpoint: state.moto.url, vars: { ...KEYS, ...options.vars }, ...(options.files ? { files: options.files } : {}) });
  try {
    return await runCli(["check", "--json", ...args], { cwd: project.dir, env: isolated.env });
  } finally {
    isolated.cleanup();
    project.cleanup();
  }
}

const SCENARIOS: Array<[string, string[], Parameters<typeof check>[2], number]> = [
  ["every check with defaults", [], {}, -1],
  ["allowed account", ["--stage", "dev"], { config: { stages: { dev: { accounts: ["222222222222"] } }, checks: { bootstrap: "off", permissions: "off" } } }, 0],
  ["wrong account", ["--stage", "prod"], { config: { stages: { prod: { accounts: ["111111111111"] } } } }, 1],
  ["downgraded failure", ["--stage", "prod"], { config: { stages: { prod: { accounts: ["111111111111"] } }, checks: { account: "warn", bootstrap: "off", permissions: "off" } } }, 0],
  ["offline", ["--offline"], {}, -1],
  ["unknown profile", ["--profile", "staging"], { vars: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, files: { config: "[profile stage]\nregion = eu-west-1\n" } }, 1],
  ["session with expiry", ["--stage", "dev"], { vars: { AWS_SESSION_TOKEN: "schemaFakeSessionToken", AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 3_600_000).toISOString() } }, -1],
  ["protected stage in check mode", ["--stage", "prod"], { config: { stages: { prod: { accounts: ["222222222222"], protected: true } }, checks: { bootstrap: "off", permissions: "off" } } }, 0],
  ["protected stage for dev", ["--stage", "prod", "--command", "dev"], { config: { stages: { prod: { protected: true } } } }, 1],
];

for (const [name, args, options, exitCode] of SCENARIOS) {
  runs(`${name} matches the schema`, async (state) => {
    const run = await check(state, args, options);
    if (exitCode >= 0) assert.is(run.exitCode, exitCode, run.stderr);
    const report = parseReport(run.stdout, `report of "${name}"`);
    assert.is(report.blocked, run.exitCode === 1);
  });
}

runs("configuration error prints an error document", async (state) => {
  const run = await check(state, [], { config: { stages: { prod: { accounts: ["1"] } } } });
  assert.is(run.exitCode, 2);
  const report = parseReport(run.stdout);
  assert.is(report.status, "error");
  assert.is(report.error.code, "InvalidConfig");
});

runs.run();
