// Follows a profile's source_profile links offline, to find the MFA device and the
// profiles a chain needs before any credential provider runs.
import { mergedProfile, profileNames, type ProfileSettings, type SharedFiles } from "../../plugin/aws/profiles.js";

export interface ChainLink {
  profile: string;
  settings: ProfileSettings;
}

export interface ProfileChain {
  links: ChainLink[];
  /** The first `mfa_serial` found along the chain. */
  mfaSerial?: { serial: string; profile: string };
  /** A profile named by source_profile that exists in neither file. */
  missingSource?: { from: string; name: string };
  /** True when the chain loops back to a profile already visited. */
  cycle?: string[];
}

export function followProfileChain(files: SharedFiles, start: string): ProfileChain {
  const links: ChainLink[] = [];
  const visited: string[] = [];
  const chain: ProfileChain = { links };
  let name: string | undefined = start;

  while (name !== undefined) {
    if (visited.includes(name)) {
      // A profile whose source_profile is itself, with static keys, is allowed by the SDK.
      const previous = links[links.length - 1];
      const selfWithKeys = previous?.profile === name && Boolean(previous.settings.aws_access_key_id);
      if (!selfWithKeys) chain.cycle = [...visited, name];
      break;
    }
    visited.push(name);
    const settings = mergedProfile(files, name);
    if (!settings) {
      const from = links[links.length - 1];
      if (from) chain.missingSource = { from: from.profile, name };
      break;
    }
    links.push({ profile: name, settings });
    if (settings.mfa_serial && settings.role_arn && !chain.mfaSerial) {
      chain.mfaSerial = { serial: settings.mfa_serial, profile: name };
    }
    name = settings.role_arn ? settings.source_profile : undefined;
  }
  return chain;
}

/** Returns the known profile name closest to `name`, when one is close enough to be a typo. */
export function nearestProfile(files: SharedFiles, name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of profileNames(files)) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(2, Math.ceil(name.length / 2));
  return best.distance <= tolerance ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
