// Recognises sessions made by credential tools, to tailor the advice on refreshing
// them. aws-vault exec sets AWS_VAULT; Granted's assume sets GRANTED_* variables and
// AWS_SESSION_EXPIRATION next to AWS_PROFILE and the keys; Leapp's process mode runs
// `leapp session generate`, and its file mode writes session keys without an expiry
// into the credentials file.
import type { ChainStep } from "../chain/types.js";

export type SessionToolName = "aws-vault" | "granted" | "leapp";

export interface SessionTool {
  name: SessionToolName;
  /** Evidence the tool was recognised by, such as "AWS_VAULT=dev". */
  evidence: string;
}

export function detectSessionTool(env: NodeJS.ProcessEnv, steps: readonly ChainStep[]): SessionTool | undefined {
  if (env.AWS_VAULT) return { name: "aws-vault", evidence: `AWS_VAULT=${env.AWS_VAULT}` };
  const granted = Object.keys(env).find((name) => name.startsWith("GRANTED_") && env[name]);
  if (granted) return { name: "granted", evidence: granted };
  if (env.AWS_SESSION_EXPIRATION && env.AWS_PROFILE && env.AWS_ACCESS_KEY_ID) {
    return { name: "granted", evidence: "AWS_SESSION_EXPIRATION next to AWS_PROFILE and the keys" };
  }
  const leapp = steps.find((step) => step.kind === "credential-process" && /^\s*leapp\s/.test(step.command ?? ""));
  if (leapp) return { name: "leapp", evidence: `credential_process of profile ${leapp.profile ?? "?"}` };
  return undefined;
}

/** Returns how to get a fresh session from the tool that made it. */
export function refreshAdvice(tool: SessionTool | undefined, env: NodeJS.ProcessEnv, profile?: string): string {
  switch (tool?.name) {
    case "aws-vault":
      return `Start a new session: aws-vault exec ${env.AWS_VAULT} -- <your command> (for long deploys, aws-vault exec --ecs-server ${env.AWS_VAULT} -- <your command> refreshes by itself).`;
    case "granted":
      return `Run Granted's assume again: assume ${env.AWS_PROFILE ?? profile ?? "<profile>"}`;
    case "leapp":
      return "Start the session again in Leapp (the desktop app must be running), then run again.";
    default:
      return "Get new session credentials from the tool that exported them (aws-vault exec, Granted's assume, Leapp, aws sso login), then run again.";
  }
}

/** True when a step is session keys written to the credentials file, as Leapp's file mode does. */
export function isFileSessionStep(step: ChainStep | undefined, credentialsPath: string): boolean {
  return step?.kind === "static-keys" && step.sessionToken === true && step.file === credentialsPath;
}
