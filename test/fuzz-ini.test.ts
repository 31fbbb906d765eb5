// Random, truncated, corrupted and binary AWS config and credentials files: the SDK
// parser wrapper, the line scanner of the lint and the whole credentials check (offline)
// never crash or hang, and the check reports a status with a readable summary.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defaultHooks } from "../hooks/index.js";
import { scanIni } from "../hooks/credentials/lint/scan.js";
import { loadSharedFiles } from "../plugin/aws/profiles.js";
import { runSession } from "../plugin/runner/session.js";
import { corrupt, fuzz, randomBinary, randomText, RAW_RUNTIME_ERROR, truncate, type Random } from "./harness/fuzz.js";

const NAMES = ["default", "dev", "prod", "base", "__proto__", "constructor", "a b", "x.y", ""];
const KEYS = [
  "region",
  "role_arn",
  "source_profile",
  "credential_source",
  "mfa_serial",
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
  "credential_process",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "web_identity_token_file",
  "duration_seconds",
  "s3",
];

const REALISTIC = [
  "[default]",
  "region = eu-west-1",
  "[profile base]",
  "aws_access_key_id = AKIAFUZZFAKE00000001",
  "aws_secret_access_key = fuzzFakeSecret",
  "[profile dev]",
  "role_arn = arn:aws:iam::222222222222:role/dev",
  "source_profile = base",
  "mfa_serial = arn:aws:iam::222222222222:mfa/alice",
  "s3 =",
  "  max_concurrent_requests = 4",
  "[profile sso]",
  "sso_session = corp",
  "sso_account_id = 111111111111",
  "sso_role_name = Admin",
  "[sso-session corp]",
  "sso_start_url = https://example.awsapps.com/start",
  "sso_region = eu-west-1",
  "",
].join("\n");

/** Builds an INI text from headers, keys, comments and junk lines picked at random. */
function iniText(random: Random): string {
  const roll = random.int(10);
  if (roll === 0) return randomBinary(random, 400).toString("latin1");
  if (roll === 1) return truncate(random, REALISTIC);
  if (roll === 2) return corrupt(random, REALISTIC);
  const lines: string[] = [];
  for (let count = random.int(25); count > 0; count--) {
    const name = random.pick(NAMES);
    switch (random.int(7)) {
      case 0:
        lines.push(random.pick([`[profile ${name}]`, `[${name}]`, `[sso-session ${name}]`, `[ profile  ${name} ]`, `[profile ${name}`, `[services ${name}]`]));
        break;
      case 1:
      case 2:
      case 3:
        lines.push(`${random.chance(0.2) ? "  " : ""}${random.pick(KEYS)} ${random.pick(["=", " = ", "=="])} ${random.chance(0.5) ? random.pick(NAMES) : randomText(random, 30)}`);
        break;
      case 4:
        lines.push(random.pick(["# comment", "; comment", "region = us-east-1 # trailing", "=value", "key only"]));
        break;
      default:
        lines.push(randomText(random, 60));
    }
  }
  return lines.join(random.chance(0.2) ? "\r\n" : "\n");
}

let home = "";
const ini = suite("INI fuzz");

ini.before(() => {
  home = mkdtempSync(path.join(tmpdir(), "preflight-fuzz-ini-"));
});

ini.after(() => {
  rmSync(home, { recursive: true, force: true });
});

ini("line scanner", async () => {
  const cases = await fuzz("scanIni", {
    count: 3_000,
    budgetMs: 3_000,
    generate: iniText,
    check: (text) => {
      const lineCount = text.split(/\r?\n/).length;
      for (const kind of ["config", "credentials"] as const) {
        const scanned = scanIni(text, kind);
        for (const section of scanned.sections) {
          assert.ok(section.line >= 1, `section line ${section.line}`);
          assert.ok(section.line <= lineCount, `section line ${section.line} of ${lineCount}`);
        }
      }
    },
  });
  assert.ok(cases >= 200, `only ${cases} cases ran`);
});

function envFor(configText: string, credentialsText: string, profile: string | undefined): NodeJS.ProcessEnv {
  const configFile = path.join(home, "config");
  const credentialsFile = path.join(home, "credentials");
  writeFileSync(configFile, configText, "latin1");
  writeFileSync(credentialsFile, credentialsText, "latin1");
  return {
    HOME: home,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_EC2_METADATA_DISABLED: "true",
    ...(profile === undefined ? {} : { AWS_PROFILE: profile }),
  };
}

ini("shared files parser", async () => {
  await fuzz("loadSharedFiles", {
    count: 500,
    budgetMs: 3_000,
    generate: (random) => ({ config: iniText(random), credentials: iniText(random) }),
    check: async ({ config, credentials }) => {
      const files = await loadSharedFiles(envFor(config, credentials, undefined));
      assert.type(files.config, "object");
      assert.type(files.credentials, "object");
    },
  });
});

ini("credentials check offline", async () => {
  const hooks = defaultHooks().filter((hook) => hook.id === "credentials");
  await fuzz("credentials check", {
    count: 300,
    budgetMs: 8_000,
    generate: (random) => ({ config: iniText(random), credentials: iniText(random), profile: random.chance(0.7) ? random.pick(NAMES.filter(Boolean)) : undefined }),
    check: async ({ config, credentials, profile }) => {
      let human = "";
      const { results } = await runSession({
        cwd: home,
        env: envFor(config, credentials, profile),
        command: "deploy",
        toolArgs: [],
        flags: { offline: true, tool: "cdk", noColor: true },
        hooks,
        writeHuman: (text) => (human += text),
        stdinIsTTY: false,
      });
      const result = results[0]!;
      assert.ok(["pass", "warn", "fail", "skip", "unknown"].includes(result.status), result.status);
      assert.not.match(result.summary, /unexpected error/, `the check crashed: ${result.summary}`);
      // The lint may quote the SDK's own confusing message to explain it; quoted text is left out.
      const unquoted = human.replace(/"[^"\n]*"/g, '""');
      assert.not.match(unquoted, RAW_RUNTIME_ERROR, `raw runtime error in the report:\n${human}`);
    },
  });
});

ini.run();
