// Public API of sst-preflight for sst.config.ts and preflight.config.ts.
export { preflight, type PreflightOptions } from "./sst/preflight.js";
export { defineConfig, type PreflightConfig, type StageConfig } from "./config/schema.js";
export type { CheckResult, CheckStatus, HookOutcome } from "./runner/types.js";
export type { JsonReport } from "./report/json.js";
