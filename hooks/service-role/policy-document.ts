// Reads IAM policy documents as IAM returns them and matches their Action, Resource
// and Principal elements. Conditions are not evaluated here: callers show them.

export interface Statement {
  sid?: string;
  effect: "Allow" | "Deny";
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** "*" for every principal, otherwise principals by type, such as { Service: [...] }. */
  principal?: "*" | Record<string, string[]>;
  notPrincipal?: "*" | Record<string, string[]>;
  condition?: Record<string, unknown>;
}

/**
 * Parses a policy document. IAM returns documents URL-encoded (GetRole,
 * GetRolePolicy, GetPolicyVersion), so the text is decoded first when needed.
 * Throws an Error naming `label` when the text is not a policy document.
 */
export function parsePolicyDocument(text: string, label: string): Statement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text));
  } catch (error) {
    throw new Error(`${label} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  let list: unknown[];
  if (Array.isArray(raw)) list = raw;
  else if (raw && typeof raw === "object") list = [raw];
  else throw new Error(`${label} has no Statement`);
  return list.map((entry, index) => toStatement(entry, `${label} statement ${index + 1}`));
}

function toStatement(entry: unknown, label: string): Statement {
  if (!entry || typeof entry !== "object") throw new Error(`${label} is not an object`);
  const record = entry as Record<string, unknown>;
  if (record.Effect !== "Allow" && record.Effect !== "Deny") throw new Error(`${label} has the Effect ${JSON.stringify(record.Effect)}`);
  const statement: Statement = { effect: record.Effect };
  if (typeof record.Sid === "string" && record.Sid) statement.sid = record.Sid;
  const lists = { actions: "Action", notActions: "NotAction", resources: "Resource", notResources: "NotResource" } as const;
  for (const [field, key] of Object.entries(lists)) {
    const values = stringList(record[key]);
    if (values) statement[field as keyof typeof lists] = values;
  }
  const principal = principalOf(record.Principal);
  if (principal) statement.principal = principal;
  const notPrincipal = principalOf(record.NotPrincipal);
  if (notPrincipal) statement.notPrincipal = notPrincipal;
  if (record.Condition && typeof record.Condition === "object" && Object.keys(record.Condition).length > 0) {
    statement.condition = record.Condition as Record<string, unknown>;
  }
  return statement;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return undefined;
}

function principalOf(value: unknown): Statement["principal"] {
  if (value === "*") return "*";
  if (!value || typeof value !== "object") return undefined;
  const result: Record<string, string[]> = {};
  for (const [type, entries] of Object.entries(value)) result[type] = stringList(entries) ?? [];
  return result;
}

/** Matches an IAM wildcard pattern ("*" and "?") against a value. */
export function matchesPattern(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

/** Returns whether the statement's Action or NotAction element covers `action`, ignoring case as IAM does. */
export function coversAction(statement: Statement, action: string): boolean {
  if (statement.actions) return statement.actions.some((pattern) => matchesPattern(pattern, action, true));
  if (statement.notActions) return !statement.notActions.some((pattern) => matchesPattern(pattern, action, true));
  return false;
}

/** Returns whether the statement's Resource or NotResource element covers `arn`. */
export function coversResource(statement: Statement, arn: string): boolean {
  if (statement.resources) return statement.resources.some((pattern) => matchesPattern(pattern, arn));
  if (statement.notResources) return !statement.notResources.some((pattern) => matchesPattern(pattern, arn));
  return false;
}

/** Renders a Condition element on one line, such as `StringEquals aws:SourceAccount=111111111111`. */
export function describeCondition(condition: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    if (!keys || typeof keys !== "object") continue;
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      parts.push(`${operator} ${key}=${Array.isArray(value) ? value.join("|") : String(value)}`);
    }
  }
  return parts.join(" and ");
}
