// The lint of the shared config and credentials files: each rule with its file and
// line, agreement of the line-aware scan with the SDK's own parser, and that no
// input (random, truncated or binary) makes it throw.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { loadSharedFiles } from "../plugin/aws/profiles.js";
import { planChain } from "../hooks/credentials/chain/plan.js";
import type { CredentialSetup } from "../hooks/credentials/chain/setup.js";
import type { Finding } from "../hooks/credentials/findings.js";
import { lintSetup, scanSharedFiles } from "../hooks/credentials/lint/index.js";
import { scanIni } from "../hooks/credentials/lint/scan.js";
import { decideProfile } from "../plugin/tools/profile-precedence.js";

const SECRET = "lintFakeSecretKeyNeverPrinted0000000000";

interface Linted {
  findings: Finding[];
  setup: CredentialSetup;
  configPath: string;
  credentialsPath: string;
}

async function lint(texts: { config?: string | Buffer; credentials?: string | Buffer }, selected: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Linted> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-lint-"));
  try {
    const configPath = path.join(dir, "config");
    const credentialsPath = path.join(dir, "credentials");
    if (texts.config !== undefined) writeFileSync(configPath, texts.config);
    if (texts.credentials !== undefined) writeFileSync(credentialsPath, texts.credentials, { mode: 0o600 });
    const fullEnv = { HOME: dir, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath, ...env };
    const files = await loadSharedFiles(fullEnv);
    const scanned = await scanSharedFiles(fullEnv, files);
    const setup: CredentialSetup = { files, scans: scanned.scans, env: fullEnv, now: Date.now() };
    return { findings: [...scanned.findings, ...lintSetup(setup, new Set(selected))], setup, configPath, credentialsPath };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function only(findings: Finding[], code: string): Finding {
  const matches = findings.filter((finding) => finding.code === code);
  assert.is(matches.length, 1, `expected one ${code}, got ${JSON.stringify(findings, null, 2)}`);
  return matches[0]!;
}

// ---

const headers = suite("section headers");

headers("config section without profile prefix", async () => {
  const result = await lint({ config: "[default]\nregion = eu-west-1\n\n[dev]\nsso_session = corp\n" }, ["dev"]);
  const finding = only(result.findings, "config-section-header-ignored");
  assert.is(finding.severity, "error");
  assert.is(finding.file, result.configPath);
  assert.is(finding.line, 4);
  assert.match(finding.fix!, "[profile dev]");
});

headers("unselected ignored section only warns", async () => {
  const result = await lint({ config: "[dev]\nregion = eu-west-1\n" }, []);
  assert.is(only(result.findings, "config-section-header-ignored").severity, "warning");
});

headers("profile prefix in the credentials file", async () => {
  const result = await lint({ credentials: `[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = ${SECRET}\n[profile ci]\naws_access_key_id = AKIACI00000000000001\naws_secret_access_key = ${SECRET}\n` }, ["ci"]);
  const finding = only(result.findings, "credentials-section-header-ignored");
  assert.is(finding.severity, "error");
  assert.is(finding.line, 4);
  assert.match(finding.fix!, "[ci]");
  assert.not.match(JSON.stringify(result.findings), SECRET);
});

headers("odd header forms name the reason", async () => {
  const cases: Array<[string, string, string]> = [
    ["[Profile dev]", "lowercase", "[profile dev]"],
    ["[profile  dev]", "exactly one space", "[profile dev]"],
    ["[profile my dev]", "cannot contain spaces", "[profile my-dev]"],
    ["[ profile dev ]", "spaces inside the brackets", "[profile dev]"],
    ["[sso-session  corp]", "exactly one space", "[sso-session corp]"],
    ["[team dev]", "not a section type", "[profile team-dev]"],
  ];
  for (const [header, reason, correct] of cases) {
    const result = await lint({ config: `${header}\nregion = eu-west-1\n` });
    const finding = only(result.findings, "config-section-header-ignored");
    assert.match(finding.message, reason, header);
    assert.match(finding.fix!, correct, header);
    assert.is(finding.line, 1, header);
  }
});

headers("quoted profile name is fine", async () => {
  const result = await lint({ config: '[profile "dev"]\nregion = eu-west-1\n' });
  assert.is(result.findings.filter((finding) => finding.code === "config-section-header-ignored").length, 0);
  assert.ok(result.setup.files.config.dev);
});

headers("spaces inside credentials brackets", async () => {
  const result = await lint({ credentials: `[ ci ]\naws_access_key_id = AKIACI00000000000001\naws_secret_access_key = ${SECRET}\n` }, ["ci"]);
  const finding = only(result.findings, "credentials-section-header-ignored");
  assert.match(finding.message, 'the profile " ci "');
  assert.is(finding.severity, "error");
});

headers("__proto__ header drops the file", async () => {
  const result = await lint({ config: "[profile dev]\nregion = eu-west-1\n[profile __proto__]\nregion = x\n" });
  const finding = only(result.findings, "shared-file-rejected");
  assert.is(finding.line, 3);
  assert.is(Object.keys(result.setup.files.config).length, 0);
});

headers("unclosed header", async () => {
  const result = await lint({ config: "[profile a]\nregion = eu-west-1\n[profile b\nregion = us-east-1\n" });
  const finding = only(result.findings, "unclosed-section-header");
  assert.is(finding.line, 3);
  assert.match(finding.message, "previous section");
});

headers.run();

// ---

const lines = suite("line rules");

lines("default and profile default", async () => {
  const result = await lint({ config: "[default]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111111111111:role/a\n\n[profile default]\noutput = json\n" });
  const finding = only(result.findings, "default-and-profile-default");
  assert.is(finding.severity, "warning");
  assert.is(finding.line, 5);
  assert.match(finding.message, "at line 5 replaces [default] at line 1");
  assert.match(finding.message, "region, role_arn");
});

lines("duplicate key names both lines", async () => {
  const result = await lint({ config: "[profile a]\nregion = eu-west-1\n[profile a]\nregion = us-east-1\n" });
  const finding = only(result.findings, "duplicate-key");
  assert.is(finding.line, 4);
  assert.match(finding.message, "first at line 2");
});

lines("colon separator and stray lines", async () => {
  const result = await lint({ config: "region = eu-west-1\n[profile a]\nregion: eu-west-1\njust text\n" });
  assert.is(only(result.findings, "key-outside-section").line, 1);
  assert.is(only(result.findings, "colon-separator").line, 3);
  assert.is(only(result.findings, "unparsed-line").line, 4);
});

lines("comment without space and quotes", async () => {
  const result = await lint({ config: '[profile a]\nregion = eu-west-1#main\nrole_arn = "arn:aws:iam::111111111111:role/a"\nsource_profile = b\n[profile b]\nsso_start_url = https://x.awsapps.com/start#/\n' });
  assert.is(only(result.findings, "comment-without-space").line, 2);
  assert.is(only(result.findings, "quoted-value").line, 3);
});

lines("empty value opens a sub-section", async () => {
  const result = await lint({ config: "[profile a]\nregion =\n  x = 1\n" });
  const finding = only(result.findings, "empty-value");
  assert.is(finding.line, 2);
});

lines("secret values are never shown", async () => {
  const result = await lint({ credentials: `[a]\naws_access_key_id = AKIAA000000000000001\naws_secret_access_key = "${SECRET}"\naws_secret_access_key = ${SECRET}#x\n` });
  assert.ok(result.findings.some((finding) => finding.code === "quoted-value"));
  assert.not.match(JSON.stringify(result.findings), SECRET);
});

lines("keys in credentials shadow config SSO", async () => {
  const result = await lint({
    config: "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    credentials: `[dev]\naws_access_key_id = AKIASTALE00000000001\naws_secret_access_key = ${SECRET}\n`,
  });
  const finding = only(result.findings, "credentials-keys-shadow-config");
  assert.is(finding.line, 1);
  assert.match(finding.message, "sso_session");
});

lines("broken chains in unused profiles warn", async () => {
  const result = await lint({
    config: [
      "[profile both]",
      "role_arn = arn:aws:iam::111111111111:role/a",
      "source_profile = base",
      "credential_source = Environment",
      "[profile orphan]",
      "role_arn = arn:aws:iam::111111111111:role/a",
      "source_profile = missing",
      "[profile loop-a]",
      "role_arn = arn:aws:iam::111111111111:role/a",
      "source_profile = loop-b",
      "[profile loop-b]",
      "role_arn = arn:aws:iam::111111111111:role/b",
      "source_profile = loop-a",
      "[profile sso]",
      "sso_session = nosuch",
      "",
    ].join("\n"),
    credentials: `[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = ${SECRET}\n`,
  });
  const both = only(result.findings, "source-profile-and-credential-source");
  assert.is(both.line, 4);
  assert.is(both.severity, "warning");
  assert.is(only(result.findings, "missing-source-profile").line, 7);
  assert.ok(result.findings.some((finding) => finding.code === "source-profile-cycle"));
  assert.is(only(result.findings, "missing-sso-session").line, 15);
});

lines("missing AWS_CONFIG_FILE is a note", async () => {
  const result = await lint({ credentials: "" });
  const finding = only(result.findings, "shared-file-missing");
  assert.is(finding.severity, "info");
  assert.is(finding.file, result.configPath);
  assert.match(finding.message, "AWS_CONFIG_FILE points to");
});

lines("HOME and USERPROFILE differ", async () => {
  const result = await lint({ config: "[default]\nregion = eu-west-1\n" }, [], { USERPROFILE: "/somewhere/else" });
  only(result.findings, "home-mismatch");
});

lines("credentials readable by others", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-lint-mode-"));
  try {
    const credentialsPath = path.join(dir, "credentials");
    writeFileSync(credentialsPath, `[a]\naws_access_key_id = AKIAA000000000000001\naws_secret_access_key = ${SECRET}\n`, { mode: 0o644 });
    const env = { HOME: dir, AWS_CONFIG_FILE: path.join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: credentialsPath };
    const scanned = await scanSharedFiles(env, await loadSharedFiles(env));
    assert.match(only(scanned.findings, "credentials-file-permissions").fix!, "chmod 600");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

lines.run();

// ---

const parser = suite("scan matches the SDK parser");

/** Builds INI-like text from fragments that hit every branch of the SDK's parser. */
function randomIni(random: () => number, lineCount: number): string {
  const headers = ["[default]", "[profile a]", "[profile  b]", "[Profile c]", "[profile \"d\"]", "[e]", "[ f ]", "[sso-session s]", "[services x]", "[profile g h]", "[profile i.j]", "[profile k]#c", "[profile l", "[]", "[profile default]"];
  const keys = ["region", "role_arn", "source_profile", "aws_access_key_id", "s3", "x", "sso_session", "k.v"];
  const values = ["eu-west-1", "", "a;b", "a ;b", "a#b", "\"q\"", "  spaced  ", "https://x/#/"];
  const out: string[] = [];
  for (let index = 0; index < lineCount; index++) {
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const kind = random();
    if (kind < 0.2) out.push(pick(headers));
    else if (kind < 0.8) out.push(`${random() < 0.2 ? "  " : ""}${pick(keys)}${pick([" = ", "=", " =", ": "])}${pick(values)}`);
    else if (kind < 0.9) out.push(pick(["# comment", "; comment", "", "   ", "garbage line"]));
    else out.push(pick(["=x", "\uFEFF[profile bom]", "key = value \r"]));
  }
  return out.join(random() < 0.5 ? "\n" : "\r\n");
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Folds the scan into the map the SDK builds: the last value of each key wins, sections merge. */
function foldScan(text: string, kind: "config" | "credentials"): Record<string, Record<string, string>> {
  const scan = scanIni(text, kind);
  const map: Record<string, Record<string, string>> = {};
  for (const section of scan.sections) {
    if (section.sdkName === undefined) continue;
    for (const key of section.keys) {
      if (key.value === "") continue;
      map[section.sdkName] ??= {};
      map[section.sdkName]![key.name] = key.value;
    }
  }
  if (kind === "config" && map["default"] && scan.sections.some((section) => section.sdkName === "default" && section.header !== "default")) {
    // "[profile default]" replaces "[default]" instead of merging with it.
    const replaced: Record<string, string> = {};
    for (const section of scan.sections) {
      if (section.sdkName !== "default" || section.header === "default") continue;
      for (const key of section.keys) if (key.value !== "") replaced[key.name] = key.value;
    }
    if (Object.keys(replaced).length > 0) map["default"] = replaced;
  }
  return map;
}

parser("random files parse the same", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-parse-"));
  try {
    const random = seeded(Number(process.env.LINT_SEED ?? 42));
    for (let round = 0; round < 400; round++) {
      const text = randomIni(random, 1 + Math.floor(random() * 25));
      const file = path.join(dir, `f${round}`);
      writeFileSync(file, text);
      const sdk = await loadSharedConfigFiles({ filepath: file, configFilepath: file, ignoreCache: true });
      const ours = { config: foldScan(text, "config"), credentials: foldScan(text, "credentials") };
      const sdkConfig = Object.fromEntries(Object.entries(sdk.configFile).filter(([, value]) => value && Object.keys(value).length > 0));
      const oursConfig = Object.fromEntries(Object.entries(ours.config).filter(([, value]) => Object.keys(value).length > 0));
      assert.equal(oursConfig, sdkConfig, `config parse differs for:\n${text}`);
      assert.equal(ours.credentials, sdk.credentialsFile, `credentials parse differs for:\n${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

parser.run();

// ---

const robust = suite("lint never throws");

const VALID = [
  "[default]",
  "region = eu-west-1",
  "[profile a]",
  "role_arn = arn:aws:iam::111111111111:role/a",
  "source_profile = base",
  "mfa_serial = arn:aws:iam::111111111111:mfa/u",
  "[profile s]",
  "sso_session = corp",
  "sso_account_id = 111111111111",
  "sso_role_name = Admin",
  "[sso-session corp]",
  "sso_start_url = https://corp.awsapps.com/start",
  "sso_region = eu-west-1",
  "[profile p]",
  "credential_process = /bin/echo {}",
  "",
].join("\n");

async function lintAndPlan(config: string | Buffer, credentials: string | Buffer, profile: string): Promise<void> {
  const result = await lint({ config, credentials });
  const decision = decideProfile({ tool: "sst-v2", cwd: "/tmp", env: {}, flags: { profile }, project: { origin: "test" }, files: result.setup.files }, {});
  planChain(result.setup, { tool: "sst-v2", decision });
}

robust("truncated files", async () => {
  const credentials = `[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = ${SECRET}\n`;
  for (let end = 0; end <= VALID.length; end += 7) {
    await lintAndPlan(VALID.slice(0, end), credentials.slice(0, end % credentials.length), "a");
  }
});

robust("random bytes and binary", async () => {
  const random = seeded(7);
  for (let round = 0; round < 60; round++) {
    const size = Math.floor(random() * 2048);
    const bytes = Buffer.alloc(size);
    for (let index = 0; index < size; index++) bytes[index] = Math.floor(random() * 256);
    // Half the rounds mix valid lines into the noise, so the rules see partial structure.
    const config = round % 2 === 0 ? bytes : Buffer.concat([Buffer.from(VALID.slice(0, size % VALID.length)), bytes]);
    await lintAndPlan(config, bytes, round % 3 === 0 ? "a" : "s");
  }
  const binary = await lint({ config: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe, 0x00]) });
  assert.ok(binary.findings.some((finding) => finding.code === "shared-file-not-text"));
});

robust("long lines and deep chains", async () => {
  const chain: string[] = [];
  for (let index = 0; index < 200; index++) chain.push(`[profile p${index}]`, `role_arn = arn:aws:iam::111111111111:role/r${index}`, `source_profile = p${index + 1}`);
  await lintAndPlan(`${chain.join("\n")}\n[profile x]\nregion = ${"a".repeat(100_000)}\n`, "", "p0");
});

robust("folder instead of file", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "preflight-lint-dir-"));
  try {
    const env = { HOME: dir, AWS_CONFIG_FILE: dir, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none") };
    const scanned = await scanSharedFiles(env, await loadSharedFiles(env));
    assert.is(only(scanned.findings, "shared-file-not-a-file").file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

robust.run();
