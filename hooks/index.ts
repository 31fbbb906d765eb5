// The checks in the order they are reported. The runner starts each one as soon as
// the checks it needs have finished.
import type { Hook } from "../plugin/runner/types.js";
import { accountHook } from "./account/index.js";
import { bootstrapHook } from "./bootstrap/index.js";
import { credentialsHook } from "./credentials/index.js";
import { permissionsHook } from "./permissions/index.js";
import { serviceRoleHook } from "./service-role/index.js";

export function defaultHooks(): Hook[] {
  return [credentialsHook, accountHook, bootstrapHook, serviceRoleHook, permissionsHook];
}
