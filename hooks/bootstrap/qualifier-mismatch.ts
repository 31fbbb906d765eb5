// Names a qualifier mismatch: the app's version parameter is missing while the
// environment contains a bootstrap under another qualifier.
import type { Finding } from "./types.js";
import type { ToolkitContext } from "./toolkit-findings.js";

export function qualifierMismatch(input: ToolkitContext): Finding | undefined {
  const { facts, settings, target, context } = input;
  if (input.parameterValue !== null) return undefined;
  const others = new Map(input.otherQualifiers.map((entry) => [entry.qualifier, entry.version]));
  if (facts.stackQualifier && facts.stackQualifier !== settings.qualifier.value && !others.has(facts.stackQualifier)) others.set(facts.stackQualifier, "");
  if (others.size === 0) return undefined;

  const [other] = [...others.keys()];
  const where = context.tool.name === "sst-v2"
    ? `cdk.qualifier in sst.config.ts`
    : `"@aws-cdk/core:bootstrapQualifier" in the context of cdk.json, or the qualifier of the stack synthesizer (new DefaultStackSynthesizer({ qualifier }))`;
  return {
    status: "fail",
    state: "qualifier-mismatch",
    summary: `qualifier mismatch: the app uses ${settings.qualifier.value} (from ${settings.qualifier.source}), but this environment is bootstrapped with ${[...others.keys()].join(", ")}`,
    details: [
      `${facts.parameterName} does not exist`,
      ...[...others].map(([qualifier, version]) => `/cdk-bootstrap/${qualifier}/version ${version ? `holds ${version}` : "belongs to stack " + facts.stackName}`),
    ],
    guidance: [
      `To use the existing bootstrap, set the app's qualifier to ${other} with ${where}.`,
      `To keep ${settings.qualifier.value}, bootstrap it under its own stack name: npx cdk bootstrap aws://${target.account}/${target.region} --qualifier ${settings.qualifier.value} --toolkit-stack-name CDKToolkit-${settings.qualifier.value}`,
    ],
  };
}
