// The bootstrap check: every account and region the app deploys to must hold a healthy
// bootstrap of the version the app needs, under the qualifier and toolkit stack name it
// uses. With consent it runs the real `cdk bootstrap` and checks again.
import type { Hook, HookOutcome, PreflightContext } from "../../plugin/runner/types.js";
import { readCloudAssembly, type AssemblyRead } from "./cloud-assembly.js";
import { fixMode } from "./fix.js";
import { cdkSetting, flagValue, readCdkSettings, type CdkSettingsFiles } from "./project-files.js";
import { buildOutcome } from "./report.js";
import { resolveSettings } from "./settings.js";
import { applyFixes, checkTarget } from "./target-check.js";
import { buildTargets } from "./targets.js";

export const bootstrapHook: Hook = {
  id: "bootstrap",
  title: "bootstrap",
  needs: ["credentials"],
  skipReason: (context) => {
    if (context.offline) return "offline: the bootstrap can only be read from AWS";
    if (context.command === "bootstrap") return "the command itself bootstraps the environment";
    // An account or region the stage may not use is neither read nor bootstrapped, and the
    // account check reports it. This does not wait for that check, so turning it off
    // does not turn this one off.
    const account = context.identity?.account;
    if (account && context.stageConfig.accounts && !context.stageConfig.accounts.includes(account)) {
      return `account ${account} is not allowed for this stage, so its bootstrap is not read`;
    }
    const region = context.region?.value;
    if (region && context.stageConfig.regions && !context.stageConfig.regions.includes(region)) {
      return `region ${region} is not allowed for this stage, so its bootstrap is not read`;
    }
    return undefined;
  },
  run: checkBootstrap,
};

async function checkBootstrap(context: PreflightContext): Promise<HookOutcome> {
  if (!context.identity?.account) {
    return { status: "unknown", summary: "sts:GetCallerIdentity returned no account, so the account to check is unknown" };
  }
  const files = readCdkSettings(context.cwd, context.env);
  const assembly = readAssembly(context, files);
  const settings = resolveSettings(context, files, assembly);
  const targets = buildTargets(context, assembly);
  if (targets.length === 0) {
    return {
      status: "unknown",
      summary: "no region is set, so no environment can be checked",
      guidance: ["Set the region with --region, AWS_REGION or the profile's region, or list regions in bootstrap.regions."],
    };
  }

  const fix = fixMode(context);
  const checked = await Promise.all(targets.map((target) => checkTarget(context, target, settings)));
  const reports = await applyFixes(context, checked, settings, fix.mode);
  return buildOutcome({ reports, settings, assembly, fix, problems: files.problems });
}

/** Reads the cloud assembly where the tool writes it: cdk.out (or cdk.json "output", or -o) for CDK, .sst/dist for SST v2. */
function readAssembly(context: PreflightContext, files: CdkSettingsFiles): AssemblyRead {
  if (context.tool.name === "cdk") {
    const directory = flagValue(context.toolArgs, ["--output", "-o"]) ?? cdkSetting(files, "output")?.value ?? "cdk.out";
    return readCloudAssembly(context.cwd, directory);
  }
  if (context.tool.name === "sst-v2") return readCloudAssembly(context.cwd, ".sst/dist");
  // NOTE: SST v1 writes its assembly during the deploy in a folder not verified here, so for
  // SST v1 and v3 only the deploy region and bootstrap.regions are checked.
  return { kind: "none", label: `(not read for ${context.tool.name})` };
}
