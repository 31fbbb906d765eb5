// Formats the benchmark results as the Markdown table printed at the end of a run.

import type { InstallSize } from "./install-size.js";
import type { Summary } from "./measure.js";
import type { RequestCount } from "./requests.js";

/** Returns one table row per measurement, with its target. */
export function formatResults(results: {
  plain: Summary;
  check: Summary;
  wrapperFirstByteMs: number;
  wrapperOverCheckMs: number;
  multi: Summary;
  requests: { perCheck: Record<string, RequestCount>; all: RequestCount };
  multiRequests: number;
  install: InstallSize | string;
  compare?: Summary & { cli: string };
}): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const mib = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(1)} MiB`);
  const lines = [
    "| measurement | result | target |",
    "|---|---|---|",
    `| plain SDK script (GetCallerIdentity) | ${ms(results.plain.wallMs)}, ${mib(results.plain.peakMiB)} | baseline |`,
    `| check --json, every check on | ${ms(results.check.wallMs)} (${(results.check.wallMs / results.plain.wallMs).toFixed(2)}x), ${mib(results.check.peakMiB)} | <= 1.5x, <= 100 MiB |`,
    `| first byte of the wrapped cdk | ${ms(results.wrapperFirstByteMs)} (median of each run minus the check before it: ${ms(results.wrapperOverCheckMs)}) | <= check + 50 ms |`,
    `| 10 stages x 3 regions, one run | ${ms(results.multi.wallMs)} (${(results.multi.wallMs / results.check.wallMs).toFixed(2)}x one target), ${mib(results.multi.peakMiB)}, ${results.multiRequests} requests | <= 2x one target |`,
  ];
  if (results.compare) {
    lines.push(`| check --json with ${results.compare.cli} | ${ms(results.compare.wallMs)} (${(results.compare.wallMs / results.plain.wallMs).toFixed(2)}x), ${mib(results.compare.peakMiB)} | comparison |`);
  }
  for (const [id, count] of Object.entries(results.requests.perCheck)) {
    lines.push(`| AWS requests: ${id} | ${count.total} (${Object.entries(count.byAction).map(([action, n]) => `${action} ${n}`).join(", ") || "none"}) | one per check and target where the API allows |`);
  }
  lines.push(`| AWS requests: all checks | ${results.requests.all.total} | |`);
  const install = results.install;
  lines.push(
    typeof install === "string"
      ? `| install size | ${install} | report |`
      : `| install size | tarball ${install.tarballKiB.toFixed(0)} KiB (${install.files} files); installed ${install.installedMiB.toFixed(1)} MiB in ${install.installedFiles} files and ${install.packages} packages (${install.onDiskMiB.toFixed(1)} MiB on disk) | report, keep small |`,
  );
  return lines.join("\n");
}
