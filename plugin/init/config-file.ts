// Writes the example preflight.config.ts (or .mjs for projects without TypeScript):
// one entry per stage found, with every setting commented out, so the file is valid
// and changes nothing until the team fills in its accounts.
import type { ToolName } from "../config/schema.js";
import type { FoundStages } from "./stages.js";

export interface ConfigFileInput {
  tool: ToolName;
  typescript: boolean;
  stages: FoundStages;
  region?: string;
}

export function configFileName(tool: ToolName, typescript: boolean): string {
  // A CDK app's `tsc` build compiles every .ts file in the project and would emit a
  // preflight.config.js next to the config, so CDK projects get the .mjs form.
  return typescript && tool !== "cdk" ? "preflight.config.ts" : "preflight.config.mjs";
}

// Placeholder account IDs, left commented out in the file.
const PROD_ACCOUNT = "111111111111";
const OTHER_ACCOUNT = "222222222222";

export function renderConfigFile(input: ConfigFileInput): string {
  const region = input.region ?? "us-east-1";
  const stages = input.stages.names;
  const lines = [
    "// sst-preflight checks the credentials, account, bootstrap, CloudFormation service role",
    "// and IAM permissions before every deploy. Uncomment and fill in the settings; every",
    "// field is optional. Reference: node_modules/sst-preflight/docs/configuration.md",
    'import { defineConfig } from "sst-preflight";',
    "",
    "export default defineConfig({",
  ];
  if (input.tool === "cdk") {
    lines.push("  // Stage for `sst-preflight cdk ...` when neither --stage nor -c stage=NAME is given.", '  // defaultStage: "dev",');
  }
  lines.push("  stages: {");

  if (stages.length === 0) {
    lines.push("    // No stage names were found in package.json or .github/workflows. For example:");
    // The whole example entry is commented out, so its settings carry no second "//".
    const example = stageBlock(input.tool, "prod", region, PROD_ACCOUNT, true).map((line) => line.replace(/^(\s*)\/\/ /, "$1"));
    lines.push(...example.map((line) => `    // ${line}`));
  }
  for (const name of stages) {
    const production = /^(prod|production|live|main|master)$/i.test(name);
    lines.push(`    // Found in ${input.stages.sources[name]}.`);
    lines.push(...stageBlock(input.tool, name, region, production ? PROD_ACCOUNT : OTHER_ACCOUNT, production).map((line) => `    ${line}`));
  }

  const personal = input.stages.personal ? `, such as your personal stage "${input.stages.personal}"` : ", such as personal stages";
  lines.push(`    // Every stage not listed above${personal}.`);
  lines.push('    "*": {');
  lines.push(`      // accounts: ["${OTHER_ACCOUNT}"],`);
  lines.push("    },");
  lines.push("  },");
  lines.push("});");
  return `${lines.join("\n")}\n`;
}

function stageBlock(tool: ToolName, name: string, region: string, account: string, production: boolean): string[] {
  // SST v3 deploys through Pulumi, which takes no CloudFormation service role.
  const roleLine = tool === "sst-v3" ? [] : [`  // roleArn: "arn:aws:iam::${account}:role/cfn-deployer", // CloudFormation service role`];
  return [
    `${JSON.stringify(name).replace(/^"([A-Za-z_$][\w$]*)"$/, "$1")}: {`,
    `  // accounts: ["${account}"], // AWS account IDs this stage may deploy to`,
    `  // regions: ["${region}"],`,
    `  // profile: "${name}", // profile used when no flag or AWS_PROFILE selects one`,
    ...roleLine,
    `  // protected: ${production ? "true" : "false"}, // rejects dev sessions and asks before a deploy`,
    "},",
  ];
}
