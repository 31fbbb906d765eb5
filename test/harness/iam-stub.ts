// A loopback HTTP server that implements AWS APIs moto 5.2.1 lacks and proxies everything else to
// moto, so one `AWS_ENDPOINT_URL` serves both.
//
// It speaks the AWS Query protocol as the SDK v3 clients expect it: form-encoded POST requests, XML
// responses in the service's namespace and `<ErrorResponse>` errors. Implemented here:
//   - IAM `SimulatePrincipalPolicy` and `SimulateCustomPolicy`, with decisions from a table,
//   - CloudFormation `DescribeType`, with a resource schema built from handler permissions.
// The stub does not verify SigV4 signatures. Proxied requests keep their headers, including
// `Host`, so moto still verifies their signatures when its auth is on.

import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

import { assertLoopbackUrl } from "./env.js";

const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
const IAM_VERSION = "2010-05-08";
const CLOUDFORMATION_NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const CLOUDFORMATION_VERSION = "2010-05-15";

/** `MaxItems` limits of the IAM simulation APIs. */
const DEFAULT_MAX_ITEMS = 100;
const MAX_ITEMS_LIMIT = 1000;

export type EvalDecision = "allowed" | "implicitDeny" | "explicitDeny";

export type PolicySourceType = "user" | "group" | "role" | "aws-managed" | "user-managed" | "resource" | "none";

export interface PolicyPosition {
  line: number;
  column: number;
}

export interface MatchedStatement {
  sourcePolicyId: string;
  sourcePolicyType?: PolicySourceType;
  startPosition?: PolicyPosition;
  endPosition?: PolicyPosition;
}

/** Full result for one simulated action. Unset optional fields are left out of the response. */
export interface SimulationOutcome {
  decision: EvalDecision;
  /**
   * Default for `allowed` and `explicitDeny`: one statement of policy `stub-policy` whose type
   * follows the principal ARN. Default for `implicitDeny`: none. Pass `[]` for none.
   */
  matchedStatements?: MatchedStatement[];
  missingContextValues?: string[];
  /** Sent as `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`. */
  allowedByPermissionsBoundary?: boolean;
  /** Sent as `OrganizationsDecisionDetail.AllowedByOrganizations`. */
  allowedByOrganizations?: boolean;
  /** Sent as the `EvalDecisionDetails` map, for example `{ "Permissions Boundary Policy": "implicitDeny" }`. */
  evalDecisionDetails?: Record<string, EvalDecision>;
}

export type SimulationRule = EvalDecision | SimulationOutcome;

export interface SimulationSettings {
  /**
   * Outcome per action name, matched case-insensitively. Keys may use the IAM wildcards `*` and
   * `?`. An exact key wins over wildcard keys, and among wildcard keys the longest one wins.
   */
  decisions?: Record<string, SimulationRule>;
  /** Outcome for actions that match no key. Default `implicitDeny`. */
  defaultDecision?: SimulationRule;
  /**
   * Returns at most this many results per page even when `MaxItems` is larger, because IAM may
   * return fewer results than requested.
   */
  pageSize?: number;
  /** When set, `SimulatePrincipalPolicy` for any other `PolicySourceArn` fails with NoSuchEntity. */
  knownPrincipals?: string[];
}

export interface AccessDeniedSettings {
  /** Actions that fail with AccessDenied. Default: every action the stub implements itself. */
  actions?: string[];
  /** Caller named in the message. Default `arn:aws:iam::123456789012:user/stub-caller`. */
  callerArn?: string;
}

export interface ThrottleSettings {
  /** How many of the next calls fail with `Throttling` / `Rate exceeded` (HTTP 400). */
  count: number;
  /** Actions that are throttled and counted. Default: every action the stub implements itself. */
  actions?: string[];
}

/** IAM actions per CloudFormation resource handler, as in `handlers.<name>.permissions`. */
export interface ResourceTypeHandlers {
  create?: string[];
  read?: string[];
  update?: string[];
  delete?: string[];
  list?: string[];
}

/** Handler permissions, or a complete resource schema to return as it is. */
export type ResourceTypeDefinition = ResourceTypeHandlers | { schema: string | Record<string, unknown> };

export interface IamStubSettings {
  simulation?: SimulationSettings;
  /** Makes the listed actions fail with AccessDenied (HTTP 403). `false` turns that off. */
  accessDenied?: AccessDeniedSettings | boolean;
  /** Throttles the next calls. Configuring it again restarts the count. */
  throttle?: ThrottleSettings;
  /** Resource types that `DescribeType` describes, by type name such as `AWS::S3::Bucket`. */
  resourceTypes?: Record<string, ResourceTypeDefinition>;
}

export interface IamStubOptions extends IamStubSettings {
  /**
   * Loopback URL that receives every request the stub does not implement, normally `MotoServer.url`.
   * Without it those requests get HTTP 502.
   */
  upstreamUrl?: string;
}

export interface StubCall {
  /** Operation name from the `Action` parameter or `X-Amz-Target`, empty when neither is present. */
  action: string;
  /** Signing name from the SigV4 credential scope, such as `iam` or `cloudformation`. */
  service?: string;
  /** Form and query parameters without `Action` and `Version`, for example `ActionNames.member.1`. */
  parameters: Record<string, string>;
  /** `stub` for responses from this server, `upstream` for proxied requests. */
  handledBy: "stub" | "upstream";
  /** HTTP status returned to the client. */
  status: number;
  /** Error code sent by the stub, such as `Throttling`. */
  errorCode?: string;
}

export interface IamStub {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Every request received, oldest first. */
  readonly calls: readonly StubCall[];
  /** Returns the calls of one operation. */
  callsTo(action: string): StubCall[];
  clearCalls(): void;
  /** Replaces the given sections of the settings and keeps the others. */
  configure(settings: IamStubSettings): void;
  /** Closes the server and all open connections. */
  stop(): Promise<void>;
}

/** Operations the stub implements itself, by protocol version. */
const STUB_ACTIONS: Record<string, string[]> = {
  [IAM_VERSION]: ["SimulatePrincipalPolicy", "SimulateCustomPolicy"],
  [CLOUDFORMATION_VERSION]: ["DescribeType"],
};

/** Reads the Query protocol list `Name.member.1`, `Name.member.2`, ... in index order. */
export function listParameter(parameters: Record<string, string>, name: string): string[] {
  const prefix = `${name}.member.`;
  const items: { index: number; value: string }[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (!key.startsWith(prefix)) {
      continue;
    }
    const index = Number(key.slice(prefix.length));
    if (Number.isInteger(index)) {
      items.push({ index, value });
    }
  }
  return items.sort((a, b) => a.index - b.index).map((item) => item.value);
}

// XML helpers

function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

function textElement(name: string, value: string | number | boolean): string {
  return element(name, escapeXml(String(value)));
}

function memberList(name: string, items: string[]): string {
  return element(name, items.map((item) => element("member", item)).join(""));
}

/** Builds a Query protocol success document `<{Action}Response><{Action}Result>...`. */
function successXml(action: string, namespace: string, result: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${namespace}">` +
    element(`${action}Result`, result) +
    element("ResponseMetadata", textElement("RequestId", requestId)) +
    `</${action}Response>`
  );
}

/** Builds a Query protocol error document, which the SDK turns into an error named after `code`. */
function errorXml(namespace: string, code: string, message: string, requestId: string): string {
  const type = code === "ServiceFailure" ? "Receiver" : "Sender";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${namespace}">` +
    element(
      "Error",
      textElement("Type", type) + textElement("Code", code) + textElement("Message", message),
    ) +
    textElement("RequestId", requestId) +
    `</ErrorResponse>`
  );
}

/** Error that the stub sends as an `<ErrorResponse>`. */
class StubError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// SimulatePrincipalPolicy and SimulateCustomPolicy

function wildcardToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("")
    .map((character) => {
      if (character === "*") {
        return ".*";
      }
      if (character === "?") {
        return ".";
      }
      return character.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`, "i");
}

/** Picks the rule for `action`: an exact key first, then the longest matching wildcard key. */
function findRule(settings: SimulationSettings, action: string): SimulationRule {
  const decisions = settings.decisions ?? {};
  let bestWildcard: { key: string; rule: SimulationRule } | undefined;
  for (const [key, rule] of Object.entries(decisions)) {
    const hasWildcard = key.includes("*") || key.includes("?");
    if (!hasWildcard) {
      if (key.toLowerCase() === action.toLowerCase()) {
        return rule;
      }
      continue;
    }
    if (wildcardToRegExp(key).test(action) && (bestWildcard === undefined || key.length > bestWildcard.key.length)) {
      bestWildcard = { key, rule };
    }
  }
  return bestWildcard?.rule ?? settings.defaultDecision ?? "implicitDeny";
}

/** Returns the policy source type that IAM reports for an inline policy of this principal. */
function sourceTypeOf(principalArn: string | undefined): PolicySourceType {
  const match = /^arn:[^:]+:iam::\d{12}:(user|group|role)\//.exec(principalArn ?? "");
  return (match?.[1] as PolicySourceType | undefined) ?? "none";
}

function normalizeOutcome(rule: SimulationRule, principalArn: string | undefined): SimulationOutcome {
  const outcome: SimulationOutcome = typeof rule === "string" ? { decision: rule } : { ...rule };
  if (outcome.matchedStatements === undefined && outcome.decision !== "implicitDeny") {
    outcome.matchedStatements = [
      {
        sourcePolicyId: "stub-policy",
        sourcePolicyType: sourceTypeOf(principalArn),
        startPosition: { line: 1, column: 1 },
        endPosition: { line: 1, column: 80 },
      },
    ];
  }
  return outcome;
}

function positionXml(name: string, position: PolicyPosition | undefined): string {
  if (position === undefined) {
    return "";
  }
  return element(name, textElement("Line", position.line) + textElement("Column", position.column));
}

function statementsXml(statements: MatchedStatement[]): string {
  return memberList(
    "MatchedStatements",
    statements.map(
      (statement) =>
        textElement("SourcePolicyId", statement.sourcePolicyId) +
        (statement.sourcePolicyType === undefined ? "" : textElement("SourcePolicyType", statement.sourcePolicyType)) +
        positionXml("StartPosition", statement.startPosition) +
        positionXml("EndPosition", statement.endPosition),
    ),
  );
}

function boundaryXml(outcome: SimulationOutcome): string {
  if (outcome.allowedByPermissionsBoundary === undefined) {
    return "";
  }
  return element(
    "PermissionsBoundaryDecisionDetail",
    textElement("AllowedByPermissionsBoundary", outcome.allowedByPermissionsBoundary),
  );
}

function decisionDetailsXml(outcome: SimulationOutcome): string {
  if (outcome.evalDecisionDetails === undefined) {
    return "";
  }
  const entries = Object.entries(outcome.evalDecisionDetails).map(([key, value]) =>
    element("entry", textElement("key", key) + textElement("value", value)),
  );
  return element("EvalDecisionDetails", entries.join(""));
}

function evaluationResultXml(action: string, resourceArns: string[], outcome: SimulationOutcome): string {
  const statements = outcome.matchedStatements ?? [];
  const missing = outcome.missingContextValues ?? [];
  const missingXml = memberList("MissingContextValues", missing.map(escapeXml));

  let xml =
    textElement("EvalActionName", action) +
    textElement("EvalResourceName", resourceArns.length === 1 ? (resourceArns[0] ?? "*") : "*") +
    textElement("EvalDecision", outcome.decision) +
    statementsXml(statements) +
    missingXml;
  if (outcome.allowedByOrganizations !== undefined) {
    xml += element(
      "OrganizationsDecisionDetail",
      textElement("AllowedByOrganizations", outcome.allowedByOrganizations),
    );
  }
  xml += boundaryXml(outcome) + decisionDetailsXml(outcome);

  // NOTE: every resource gets the decision of its action. Per-resource decisions are not modeled.
  if (resourceArns.length > 0) {
    xml += memberList(
      "ResourceSpecificResults",
      resourceArns.map(
        (arn) =>
          textElement("EvalResourceName", arn) +
          textElement("EvalResourceDecision", outcome.decision) +
          statementsXml(statements) +
          missingXml +
          decisionDetailsXml(outcome) +
          boundaryXml(outcome),
      ),
    );
  }
  return element("member", xml);
}

function encodeMarker(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeMarker(marker: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(marker, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof decoded.offset === "number" && Number.isInteger(decoded.offset) && decoded.offset >= 0) {
      return decoded.offset;
    }
  } catch {
    // Reported below.
  }
  throw new StubError("InvalidInput", 400, `Invalid Marker: ${marker}`);
}

function readMaxItems(parameters: Record<string, string>): number {
  const text = parameters["MaxItems"];
  if (text === undefined) {
    return DEFAULT_MAX_ITEMS;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_ITEMS_LIMIT) {
    throw new StubError(
      "ValidationError",
      400,
      `1 validation error detected: Value '${text}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and ${MAX_ITEMS_LIMIT}`,
    );
  }
  return value;
}

function missingParameter(name: string): StubError {
  return new StubError(
    "ValidationError",
    400,
    `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
  );
}

/** Checks that the principal ARN names an IAM user, group or role, and that it exists if known. */
function validatePrincipal(settings: SimulationSettings, principalArn: string): void {
  const match = /^arn:[^:]+:iam::\d{12}:(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (match === null) {
    // NOTE: modeled on IAM's error for an assumed-role ARN, but the wording is not checked against AWS.
    throw new StubError(
      "InvalidInput",
      400,
      `Invalid Entity Arn: ${principalArn} does not clearly define entity type and name.`,
    );
  }
  if (settings.knownPrincipals !== undefined && !settings.knownPrincipals.includes(principalArn)) {
    throw new StubError("NoSuchEntity", 404, `The ${match[1]} with name ${match[2]} cannot be found.`);
  }
}

function simulate(
  action: string,
  parameters: Record<string, string>,
  settings: SimulationSettings,
  requestId: string,
): string {
  // Required parameters are checked before the principal, so a test of a missing parameter does
  // not depend on `knownPrincipals`.
  const principalArn = action === "SimulatePrincipalPolicy" ? parameters["PolicySourceArn"] : undefined;
  if (action === "SimulatePrincipalPolicy" && (principalArn === undefined || principalArn === "")) {
    throw missingParameter("policySourceArn");
  }
  if (action === "SimulateCustomPolicy" && listParameter(parameters, "PolicyInputList").length === 0) {
    throw missingParameter("policyInputList");
  }
  const actionNames = listParameter(parameters, "ActionNames");
  if (actionNames.length === 0) {
    throw missingParameter("actionNames");
  }
  const maxItems = readMaxItems(parameters);
  if (principalArn !== undefined) {
    validatePrincipal(settings, principalArn);
  }
  const resourceArns = listParameter(parameters, "ResourceArns");

  const offset = parameters["Marker"] === undefined ? 0 : decodeMarker(parameters["Marker"]);
  const pageLimit = Math.min(maxItems, settings.pageSize ?? Number.POSITIVE_INFINITY);
  const page = actionNames.slice(offset, offset + pageLimit);
  const nextOffset = offset + page.length;
  const isTruncated = nextOffset < actionNames.length;

  const results = page.map((name) =>
    evaluationResultXml(name, resourceArns, normalizeOutcome(findRule(settings, name), principalArn)),
  );
  let result = element("EvaluationResults", results.join("")) + textElement("IsTruncated", isTruncated);
  if (isTruncated) {
    result += textElement("Marker", encodeMarker(nextOffset));
  }
  return successXml(action, IAM_NAMESPACE, result, requestId);
}

// DescribeType

function buildSchema(typeName: string, definition: ResourceTypeDefinition): string {
  if ("schema" in definition) {
    return typeof definition.schema === "string" ? definition.schema : JSON.stringify(definition.schema);
  }
  const handlers: Record<string, { permissions: string[] }> = {};
  for (const name of ["create", "read", "update", "delete", "list"] as const) {
    const permissions = definition[name];
    if (permissions !== undefined) {
      handlers[name] = { permissions };
    }
  }
  return JSON.stringify({
    typeName,
    description: `Resource schema served by the sst-preflight test stub for ${typeName}`,
    properties: { Id: { type: "string" } },
    additionalProperties: false,
    readOnlyProperties: ["/properties/Id"],
    primaryIdentifier: ["/properties/Id"],
    handlers,
  });
}

/** Turns `arn:aws:cloudformation:REGION::type/resource/AWS-S3-Bucket` into `AWS::S3::Bucket`. */
function typeNameFromArn(arn: string): string | undefined {
  const match = /:type\/resource\/(.+)$/.exec(arn);
  return match?.[1]?.replace(/-/g, "::");
}

function describeType(
  parameters: Record<string, string>,
  resourceTypes: Record<string, ResourceTypeDefinition>,
  region: string,
  requestId: string,
): string {
  const typeName = parameters["TypeName"] ?? typeNameFromArn(parameters["Arn"] ?? "");
  if (typeName === undefined) {
    throw new StubError("ValidationError", 400, "Either TypeName or Arn must be provided.");
  }
  const kind = parameters["Type"] ?? "RESOURCE";
  const definition = kind === "RESOURCE" ? resourceTypes[typeName] : undefined;
  if (definition === undefined) {
    throw new StubError("TypeNotFoundException", 404, `The type '${typeName}' cannot be found.`);
  }

  const timestamp = "2024-01-01T00:00:00.000Z";
  const result =
    textElement("Arn", `arn:aws:cloudformation:${region}::type/resource/${typeName.replace(/::/g, "-")}`) +
    textElement("Type", "RESOURCE") +
    textElement("TypeName", typeName) +
    textElement("DefaultVersionId", "00000001") +
    textElement("IsDefaultVersion", true) +
    textElement("Description", `${typeName} served by the sst-preflight test stub`) +
    textElement("Schema", buildSchema(typeName, definition)) +
    textElement("ProvisioningType", "FULLY_MUTABLE") +
    textElement("DeprecatedStatus", "LIVE") +
    textElement("Visibility", "PUBLIC") +
    textElement("LastUpdated", timestamp) +
    textElement("TimeCreated", timestamp);
  return successXml("DescribeType", CLOUDFORMATION_NAMESPACE, result, requestId);
}

// Server

interface ParsedRequest {
  action: string;
  version: string | undefined;
  service: string | undefined;
  region: string | undefined;
  parameters: Record<string, string>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function parseRequest(request: IncomingMessage, body: Buffer): ParsedRequest {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const parameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    parameters[name] = value;
  }
  if ((request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) {
      parameters[name] = value;
    }
  }

  const target = request.headers["x-amz-target"];
  const targetAction = typeof target === "string" ? target.slice(target.lastIndexOf(".") + 1) : undefined;
  const action = parameters["Action"] ?? targetAction ?? "";
  const version = parameters["Version"];
  delete parameters["Action"];
  delete parameters["Version"];

  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? "");
  return { action, version, region: scope?.[1], service: scope?.[2], parameters };
}

/** Returns the protocol version of an operation the stub implements, or undefined to proxy it. */
function stubbedVersion(parsed: ParsedRequest): string | undefined {
  const versionByService: Record<string, string> = { iam: IAM_VERSION, cloudformation: CLOUDFORMATION_VERSION };
  const version = parsed.version ?? (parsed.service === undefined ? undefined : versionByService[parsed.service]);
  if (version === undefined) {
    return undefined;
  }
  return STUB_ACTIONS[version]?.includes(parsed.action) === true ? version : undefined;
}

function stubbedActionNames(): string[] {
  return Object.values(STUB_ACTIONS).flat();
}

/**
 * Starts the stub on a free port of 127.0.0.1. `options.upstreamUrl` must be a loopback URL.
 */
export async function startIamStub(options: IamStubOptions = {}): Promise<IamStub> {
  const upstream = options.upstreamUrl === undefined ? undefined : new URL(options.upstreamUrl);
  if (options.upstreamUrl !== undefined) {
    assertLoopbackUrl(options.upstreamUrl, "upstreamUrl");
  }

  const settings: IamStubSettings = {};
  let throttledSoFar = 0;
  const configure = (next: IamStubSettings): void => {
    if ("simulation" in next) {
      settings.simulation = next.simulation;
    }
    if ("accessDenied" in next) {
      settings.accessDenied = next.accessDenied;
    }
    if ("throttle" in next) {
      settings.throttle = next.throttle;
      throttledSoFar = 0;
    }
    if ("resourceTypes" in next) {
      settings.resourceTypes = next.resourceTypes;
    }
  };
  configure(options);

  const calls: StubCall[] = [];
  const upstreamAgent = new Agent({ keepAlive: true });

  const send = (response: ServerResponse, status: number, xml: string, requestId: string): void => {
    response.writeHead(status, {
      "Content-Type": "text/xml",
      "Content-Length": Buffer.byteLength(xml),
      "x-amzn-RequestId": requestId,
    });
    response.end(xml);
  };

  /** Returns the error that the access-denied and throttling modes give for this call, if any. */
  const injectedError = (parsed: ParsedRequest, version: string): StubError | undefined => {
    const throttle = settings.throttle;
    if (throttle !== undefined && throttledSoFar < throttle.count) {
      const actions = throttle.actions ?? stubbedActionNames();
      if (actions.includes(parsed.action)) {
        throttledSoFar++;
        return new StubError("Throttling", 400, "Rate exceeded");
      }
    }

    const denied = settings.accessDenied;
    if (denied !== undefined && denied !== false) {
      const deniedSettings: AccessDeniedSettings = denied === true ? {} : denied;
      const actions = deniedSettings.actions ?? stubbedActionNames();
      if (actions.includes(parsed.action)) {
        const caller = deniedSettings.callerArn ?? "arn:aws:iam::123456789012:user/stub-caller";
        const permission = `${version === IAM_VERSION ? "iam" : "cloudformation"}:${parsed.action}`;
        const resource = parsed.parameters["PolicySourceArn"];
        const onResource = resource === undefined ? "" : ` on resource: ${resource}`;
        return new StubError(
          "AccessDenied",
          403,
          `User: ${caller} is not authorized to perform: ${permission}${onResource} because no identity-based policy allows the ${permission} action`,
        );
      }
    }
    return undefined;
  };

  const respond = (parsed: ParsedRequest, version: string, response: ServerResponse): StubCall => {
    const requestId = randomUUID();
    const namespace = version === IAM_VERSION ? IAM_NAMESPACE : CLOUDFORMATION_NAMESPACE;
    const call: StubCall = {
      action: parsed.action,
      service: parsed.service,
      parameters: parsed.parameters,
      handledBy: "stub",
      status: 200,
    };
    try {
      const error = injectedError(parsed, version);
      if (error !== undefined) {
        throw error;
      }
      const xml =
        version === IAM_VERSION
          ? simulate(parsed.action, parsed.parameters, settings.simulation ?? {}, requestId)
          : describeType(parsed.parameters, settings.resourceTypes ?? {}, parsed.region ?? "us-east-1", requestId);
      send(response, 200, xml, requestId);
    } catch (error) {
      let stubError: StubError;
      if (error instanceof StubError) {
        stubError = error;
      } else {
        console.error(`IAM stub: ${parsed.action} failed (request ${requestId}):`, error);
        stubError = new StubError("ServiceFailure", 500, `stub failed: ${(error as Error).message}`);
      }
      call.status = stubError.status;
      call.errorCode = stubError.code;
      send(response, stubError.status, errorXml(namespace, stubError.code, stubError.message, requestId), requestId);
    }
    return call;
  };

  const proxy = (request: IncomingMessage, body: Buffer, response: ServerResponse, call: StubCall): void => {
    if (upstream === undefined) {
      call.status = 502;
      response.writeHead(502, { "Content-Type": "text/plain" });
      response.end(`the IAM stub implements only ${stubbedActionNames().join(", ")} and has no upstreamUrl for ${call.action || request.url}`);
      return;
    }
    const upstreamRequest = httpRequest(
      {
        host: upstream.hostname.replace(/^\[|\]$/g, ""),
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent: upstreamAgent,
      },
      (upstreamResponse) => {
        call.status = upstreamResponse.statusCode ?? 0;
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstreamRequest.on("error", (error) => {
      console.error(`IAM stub: proxying ${call.action || request.url} to ${upstream.origin} failed:`, error);
      call.status = 502;
      if (!response.headersSent) {
        response.writeHead(502, { "Content-Type": "text/plain" });
      }
      response.end(`proxying to ${upstream.origin} failed: ${error.message}`);
    });
    upstreamRequest.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const parsed = parseRequest(request, body);
    const version = stubbedVersion(parsed);
    if (version !== undefined) {
      calls.push(respond(parsed, version, response));
      return;
    }
    const call: StubCall = {
      action: parsed.action,
      service: parsed.service,
      parameters: parsed.parameters,
      handledBy: "upstream",
      status: 0,
    };
    calls.push(call);
    proxy(request, body, response, call);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error(`IAM stub: ${request.method} ${request.url} failed:`, error);
      if (!response.headersSent) {
        response.writeHead(500, { "Content-Type": "text/plain" });
      }
      response.end(`IAM stub failed: ${(error as Error).message}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    server.close();
    throw new Error("could not read the port of the IAM stub");
  }
  const port = address.port;
  // Like moto in moto.ts, a forgotten stop() must not keep the test process alive.
  server.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    callsTo: (action) => calls.filter((call) => call.action === action),
    clearCalls: () => {
      calls.length = 0;
    },
    configure,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      upstreamAgent.destroy();
      await closed;
    },
  };
}
