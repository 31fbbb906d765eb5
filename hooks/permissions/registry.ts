// Handler permissions per resource type from the CloudFormation registry
// (cloudformation:DescribeType), cached per type and region, with a coarse
// `service:*` when the registry cannot be asked.
import { DescribeTypeCommand } from "@aws-sdk/client-cloudformation";
import { callAws } from "../../plugin/aws/call.js";
import { describeError } from "../../plugin/errors.js";
import type { PreflightContext } from "../../plugin/runner/types.js";
import { serviceForResourceType } from "./cfn-services.js";

export interface HandlerPermissions {
  type: string;
  /** Actions of the create, update and delete handlers, sorted. */
  actions: string[];
  /** "registry" when read from the type's schema, "coarse" for the `service:*` fallback. */
  source: "registry" | "coarse";
  /** Reason the coarse fallback was used. */
  note?: string;
}

type RegistryContext = Pick<PreflightContext, "aws" | "signal" | "awsCallTimeoutMs">;

// The handlers a deploy runs: create and update on deploy, delete on removal or replacement.
const DEPLOY_HANDLERS = ["create", "update", "delete"] as const;

/** Schemas per "region|type" for the life of the process; a type's schema changes rarely. */
const cache = new Map<string, Promise<HandlerPermissions>>();

/** Returns the handler permissions of `type` in `region`; without a context (offline) only the coarse fallback. */
export function handlerPermissions(context: RegistryContext | undefined, region: string, type: string): Promise<HandlerPermissions> {
  if (!context) return Promise.resolve(coarse(type, "offline: the registry was not asked"));
  const key = `${region}|${type}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = describe(context, region, type);
    cache.set(key, pending);
  }
  return pending;
}

async function describe(context: RegistryContext, region: string, type: string): Promise<HandlerPermissions> {
  // Metadata and custom resources need no permission of the role, so the registry is not asked.
  if (!type.startsWith("AWS::") || !serviceForResourceType(type)) return coarse(type, "needs no permission of its own");
  let schemaText: string | undefined;
  try {
    const cloudformation = await context.aws.cloudformation(region);
    const output = await callAws(
      "cloudformation:DescribeType",
      (abortSignal) => cloudformation.send(new DescribeTypeCommand({ Type: "RESOURCE", TypeName: type }), { abortSignal }),
      { timeoutMs: context.awsCallTimeoutMs, signal: context.signal },
    );
    schemaText = output.Schema;
  } catch (error) {
    return coarse(type, `cloudformation:DescribeType failed in ${region}: ${describeError(error)}`);
  }
  const actions = parseHandlerPermissions(schemaText);
  if (!actions) return coarse(type, `the registry schema of ${type} lists no handler permissions`);
  return { type, actions, source: "registry" };
}

/** Returns the sorted actions of the deploy handlers in a resource schema, or undefined when it has none. */
export function parseHandlerPermissions(schemaText: string | undefined): string[] | undefined {
  let schema: { handlers?: Record<string, { permissions?: unknown }> };
  try {
    schema = JSON.parse(schemaText ?? "") as typeof schema;
  } catch {
    return undefined;
  }
  const actions = new Set<string>();
  for (const handler of DEPLOY_HANDLERS) {
    const permissions = schema?.handlers?.[handler]?.permissions;
    if (!Array.isArray(permissions)) continue;
    for (const action of permissions) if (typeof action === "string" && action.includes(":")) actions.add(action);
  }
  return actions.size > 0 ? [...actions].sort() : undefined;
}

function coarse(type: string, note: string): HandlerPermissions {
  const service = serviceForResourceType(type);
  return { type, actions: service ? [`${service}:*`] : [], source: "coarse", note };
}
