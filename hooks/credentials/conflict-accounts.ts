// When two credential sources are set and the tool picks one, resolves the other one's
// account too, so the report can name both: "the profile is account A, the keys account B".
// Only sources that resolve without a prompt or an outside program are tried, and only
// when a conflict exists, so a clean setup still costs one STS call.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { PreflightContext } from "../../plugin/runner/types.js";
import type { Analysis } from "./analysis.js";
import { walkProfile } from "./chain/profile-walk.js";
import type { Finding } from "./findings.js";
import { accountOf } from "./identity.js";
import type { Conflict } from "./precedence.js";

const QUIET_STEPS = new Set(["static-keys", "assume-role", "sso", "environment-keys"]);

export async function resolveConflictAccounts(context: PreflightContext, analysis: Analysis): Promise<Finding[]> {
  const findings: Finding[] = [];
  const winnerAccount = context.identity?.account;
  if (!winnerAccount) return findings;

  for (const conflict of analysis.conflicts) {
    const provider = await quietProvider(conflict, analysis);
    if (!provider) continue;
    const loserAccount = await accountOf(provider, { region: context.region?.value, timeoutMs: context.awsCallTimeoutMs, signal: context.signal });
    conflict.accounts = { winner: winnerAccount, ...(loserAccount ? { loser: loserAccount } : {}) };
    if (!loserAccount || loserAccount === winnerAccount) continue;
    const severity = conflict.kind === "profile-override" ? "error" : "warning";
    findings.push({
      code: conflict.kind === "profile-override" ? "profile-override-account" : "profile-and-keys-accounts",
      severity,
      message: `${describe(conflict.winner)} resolves to account ${winnerAccount}, but ${describe(conflict.loser)} resolves to account ${loserAccount}`,
      fix:
        conflict.winner.kind === "AWS_PROFILE"
          ? `Run \`unset AWS_PROFILE\` or \`export AWS_PROFILE=${conflict.loser.kind === "environment-keys" ? "<profile>" : conflict.loser.value}\` so the deploy uses account ${loserAccount}, if that is the one you want.`
          : `Unset ${conflict.loser.kind === "environment-keys" ? "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN" : conflict.loser.source} so only one source is left.`,
    });
  }
  return findings;
}

function describe(side: Conflict["winner"]): string {
  return side.kind === "environment-keys" ? "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" : `profile ${side.value} (${side.source})`;
}

async function quietProvider(conflict: Conflict, analysis: Analysis): Promise<AwsCredentialIdentityProvider | undefined> {
  const providers = await import("@aws-sdk/credential-providers");
  if (conflict.loser.kind === "environment-keys") return providers.fromEnv();
  const walk = walkProfile(analysis.setup, conflict.loser.value);
  const quiet = walk.mfa.length === 0 && walk.steps.length > 0 && walk.steps.every((step) => QUIET_STEPS.has(step.kind));
  if (!quiet || walk.problems.some((problem) => problem.severity === "error")) return undefined;
  return providers.fromIni({
    profile: conflict.loser.value,
    filepath: analysis.setup.files.credentialsPath,
    configFilepath: analysis.setup.files.configPath,
    ignoreCache: true,
  });
}
