// The unit of the permission check: one concern of the deploy, such as "use the
// CDK asset bucket", with the actions to simulate and the actions a policy grants.

/** One concern the deploy needs; it becomes one policy statement with `sid` as its Sid. */
export interface Requirement {
  /** Readable statement ID, such as "ManageCloudFormationStacks". */
  sid: string;
  /** Reason the deploy needs it, shown in reports and docs. */
  purpose: string;
  /** Actions that are simulated for the caller. */
  actions: string[];
  /**
   * Actions written into a policy that grants the concern. Defaults to `actions`; the
   * "services" strategy simulates typical actions of a service but grants `service:*`.
   */
  grant?: string[];
  /** Resource ARNs or ARN patterns; `["*"]` for any resource. */
  resources: string[];
  /** Region the resources live in, sent to the simulation as aws:RequestedRegion. */
  region?: string;
  /** Further condition keys and values of the request, such as iam:PassedToService. */
  context?: Record<string, string[]>;
}

/** The requirements of one run, with notes on their scope for the report. */
export interface RequirementSet {
  /** Strategy name as configured, or "baseline" when none is configured. */
  strategy: string;
  requirements: Requirement[];
  /** Lines that explain the scope, such as the inferred services. */
  notes: string[];
}

/** The target of a deploy: the account and every region the deploy touches. */
export interface DeployTarget {
  /** Account ID, or "*" when unknown (the policy command without credentials). */
  account: string;
  regions: string[];
  partition: string;
}

/** Returns the IAM service prefix of an action, such as "lambda" for "lambda:CreateFunction". */
export function serviceOf(action: string): string {
  const colon = action.indexOf(":");
  return colon === -1 ? action.toLowerCase() : action.slice(0, colon).toLowerCase();
}

/** Returns the distinct actions of all requirements, in first-seen order. */
export function distinctActions(requirements: Requirement[]): string[] {
  return [...new Set(requirements.flatMap((requirement) => requirement.actions))];
}

/** Merges requirements with the same Sid, joining their actions and resources. */
export function mergeRequirements(requirements: Requirement[]): Requirement[] {
  const bySid = new Map<string, Requirement>();
  for (const requirement of requirements) {
    const existing = bySid.get(requirement.sid);
    if (!existing) {
      bySid.set(requirement.sid, { ...requirement, actions: [...requirement.actions], resources: [...requirement.resources] });
      continue;
    }
    existing.actions = [...new Set([...existing.actions, ...requirement.actions])];
    existing.resources = [...new Set([...existing.resources, ...requirement.resources])];
    if (requirement.grant || existing.grant) {
      existing.grant = [...new Set([...(existing.grant ?? existing.actions), ...(requirement.grant ?? requirement.actions)])];
    }
    // Resources of different regions are simulated together, so no single region applies.
    if (existing.region !== requirement.region) delete existing.region;
  }
  return [...bySid.values()];
}
