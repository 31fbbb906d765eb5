// The checks in the order they are reported. The runner starts each one as soon as
// the checks it needs have finished. The credentials and account checks are loaded at
// once; the others load on first use, or earlier when the credentials check requests
// it while its STS request is in flight, so their modules (and AWS SDK clients) load
// during that round trip instead of before it.
import type { Hook, HookOutcome, PreflightContext } from "../plugin/runner/types.js";
import type { HookId } from "../plugin/config/schema.js";
import { accountHook } from "./account/index.js";
import { credentialsHook } from "./credentials/index.js";

export function defaultHooks(): Hook[] {
  return [
    credentialsHook,
    accountHook,
    lazyHook("bootstrap", "bootstrap", async () => (await import("./bootstrap/index.js")).bootstrapHook),
    lazyHook("serviceRole", "service role", async () => (await import("./service-role/index.js")).serviceRoleHook),
    lazyHook("permissions", "permissions", async () => (await import("./permissions/index.js")).permissionsHook),
  ];
}

/** Wraps a hook whose module is imported only when it is prepared, asked to skip, or run. */
function lazyHook(id: HookId, title: string, load: () => Promise<Hook>): Hook {
  let loading: Promise<Hook> | undefined;
  const loaded = () => (loading ??= load());
  return {
    id,
    title,
    // Every lazily loaded check needs the identity; the loaded hook states the same.
    needs: ["credentials"],
    prepare: () => {
      // A load failure shows up when the hook runs, as that check's result.
      loaded().catch(() => undefined);
    },
    skipReason: async (context: PreflightContext) => (await loaded()).skipReason?.(context),
    run: async (context: PreflightContext): Promise<HookOutcome> => (await loaded()).run(context),
  };
}
