// Lists the environments to check: the stage's own account and region, every
// environment of the cloud assembly, us-east-1 when a template needs it, and the
// regions named in the configuration.
import type { PreflightContext } from "../../plugin/runner/types.js";
import type { AssemblyArtifact, AssemblyRead } from "./cloud-assembly.js";
import type { Target } from "./types.js";

const NAMES_SHOWN = 3;

export function buildTargets(context: PreflightContext, assembly: AssemblyRead): Target[] {
  const account = context.identity?.account;
  if (!account) return [];
  const byKey = new Map<string, Target & { artifacts: string[] }>();
  const add = (targetAccount: string, region: string, reason?: string) => {
    const key = `${targetAccount}/${region}`;
    let target = byKey.get(key);
    if (!target) {
      target = { account: targetAccount, region, reasons: [], requirements: [], primary: false, artifacts: [] };
      // NOTE: reading another account would need its credentials or the CDK lookup role, so
      // such environments are listed but not checked.
      if (targetAccount !== account) target.unreachable = `the credentials are for account ${account}, so account ${targetAccount} cannot be read with them`;
      byKey.set(key, target);
    }
    if (reason && !target.reasons.includes(reason)) target.reasons.push(reason);
    return target;
  };

  const region = context.region?.value;
  if (region) add(account, region, `the deploy region (from ${context.region!.source})`).primary = true;

  if (assembly.kind === "read") {
    for (const artifact of artifactsForStage(context, assembly.artifacts)) {
      const artifactRegion = artifact.region ?? region;
      if (!artifactRegion) continue;
      const target = add(artifact.account ?? account, artifactRegion);
      if (artifact.kind === "stack") target.artifacts.push(artifact.id);
      if (artifact.requiresVersion !== undefined) {
        const current = target.requirements[0];
        if (!current || artifact.requiresVersion > current.version) {
          target.requirements[0] = { version: artifact.requiresVersion, source: `${artifact.kind === "stack" ? "stack" : "asset manifest"} ${artifact.id} in ${assembly.label}` };
        }
      }
      if (artifact.needsUsEast1) add(artifact.account ?? account, "us-east-1", `stack ${artifact.id} has ${artifact.needsUsEast1}, which lives in us-east-1`);
    }
    for (const target of byKey.values()) {
      if (target.artifacts.length > 0) target.reasons.push(`${listNames(target.artifacts, "stack")} in ${assembly.label}`);
    }
  }

  for (const extra of context.config.bootstrap?.regions ?? []) {
    add(account, extra, `bootstrap.regions in ${context.configOrigin}`);
  }

  return [...byKey.values()].map(({ artifacts: _artifacts, ...target }) => target);
}

/**
 * Keeps the artifacts of the current stage. SST v2 names its stacks `<stage>-<app>-<id>`,
 * so a cloud assembly left behind by another stage does not add that stage's accounts.
 */
function artifactsForStage(context: PreflightContext, artifacts: AssemblyArtifact[]): AssemblyArtifact[] {
  const stage = context.stage?.value;
  if (context.tool.name !== "sst-v2" || !stage) return artifacts;
  return artifacts.filter((artifact) => artifact.id.startsWith(`${stage}-`));
}

function listNames(names: string[], noun: string): string {
  const listed = names.slice(0, NAMES_SHOWN).join(", ");
  const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : "";
  return `${noun}${names.length === 1 ? "" : "s"} ${listed}${more}`;
}
