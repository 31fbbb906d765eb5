// The hook list: lazily loaded checks must describe themselves exactly as the
// modules they load, or the runner would order and label them wrongly.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defaultHooks } from "../hooks/index.js";
import { bootstrapHook } from "../hooks/bootstrap/index.js";
import { permissionsHook } from "../hooks/permissions/index.js";
import { serviceRoleHook } from "../hooks/service-role/index.js";

const registry = suite("defaultHooks");

registry("order of the checks", () => {
  assert.equal(defaultHooks().map((hook) => hook.id), ["credentials", "account", "bootstrap", "serviceRole", "permissions"]);
});

registry("lazy hooks match their modules", () => {
  const hooks = defaultHooks();
  for (const real of [bootstrapHook, serviceRoleHook, permissionsHook]) {
    const lazy = hooks.find((hook) => hook.id === real.id);
    assert.ok(lazy, `no hook ${real.id}`);
    assert.is(lazy.title, real.title, `title of ${real.id}`);
    assert.equal(lazy.needs, real.needs, `needs of ${real.id}`);
    assert.is(real.whenNeedsUnmet, undefined, `${real.id} decides unmet needs, which its lazy wrapper does not forward`);
  }
});

registry.run();
