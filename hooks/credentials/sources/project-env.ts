// Finds AWS credential variables in the project's .env files. SST loads these files
// after it resolved its credentials (and the CDK CLI does not read them), so keys
// there do not pick the deploy's identity, and they are a leak when committed.
// Only names and line numbers are reported, never values.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Finding } from "../findings.js";

const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/;

/** Returns the .env files SST v2 and v3 load for a stage. */
export function projectEnvFiles(stage: string | undefined): string[] {
  const names = [".env", ".env.local"];
  if (stage) names.push(`.env.${stage}`, `.env.${stage}.local`);
  return names;
}

export function inspectProjectEnv(cwd: string, stage: string | undefined, deployedWith: string): Finding[] {
  const findings: Finding[] = [];
  for (const name of projectEnvFiles(stage)) {
    const file = path.join(cwd, name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const lines = text.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
      const match = ASSIGNMENT.exec(lines[index] ?? "");
      const variable = match?.[1];
      if (!variable || !CREDENTIAL_VARIABLES.includes(variable)) continue;
      const empty = (match[2] ?? "").trim().replace(/^["']|["']$/g, "") === "";
      findings.push({
        code: "credentials-in-project-env",
        severity: "warning",
        message: empty
          ? `${variable} is set but empty in ${name}; it does not select the deploy's credentials, which come from ${deployedWith}`
          : `${variable} in ${name} does not select the deploy's credentials: the deploy tool loads ${name} after it resolved them (from ${deployedWith})`,
        file,
        line: index + 1,
        fix: `Remove ${variable} from ${name}, keep credentials in ~/.aws or the shell, and rotate the key if the file was ever committed.`,
      });
    }
  }
  return findings;
}
