// MFA codes for assume-role steps with mfa_serial. The codes are requested once per
// device before any AWS call, on stderr without echo, and only when stdin is a terminal
// and CI is not set. Nothing is written to disk. SST v3 sets no MFA token provider, so a
// chain with mfa_serial cannot work there at all.
import type { ToolName } from "../../plugin/config/schema.js";
import type { ChainPlan } from "./chain/types.js";
import type { Finding } from "./findings.js";

const CODE = /^\d{6}$/;
const ATTEMPTS = 3;

export interface MfaContext {
  tool: ToolName;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/** Returns why the MFA prompt cannot happen in this run, or undefined when it can. */
export function checkMfaPossible(plan: ChainPlan, context: MfaContext): Finding | undefined {
  const first = plan.mfa[0];
  if (!first) return undefined;
  const ways = "In CI, use a role without MFA or web identity (OIDC) credentials; on a workstation, start a session first with aws-vault exec or Granted's assume and deploy inside it.";
  if (context.tool === "sst-v3") {
    return {
      code: "mfa-unsupported",
      severity: "error",
      message: `profile ${first.profile} needs an MFA code for ${first.serial}, but SST v3 has no MFA prompt, so its credential lookup fails`,
      profile: first.profile,
      fix: `Start a session first (aws-vault exec ${first.profile} -- sst deploy, or Granted's assume) so SST v3 gets session keys, or use a role without mfa_serial.`,
    };
  }
  if (!context.interactive) {
    const reason = context.env.CI ? "CI is set" : "stdin is not a terminal";
    return {
      code: "mfa-not-interactive",
      severity: "error",
      message: `profile ${first.profile} needs an MFA code for ${first.serial}, but no one can enter it (${reason})`,
      profile: first.profile,
      fix: ways,
    };
  }
  return undefined;
}

/** Asks for each device's code once and hands the codes to the SDK's mfaCodeProvider. */
export class MfaCodes {
  private readonly codes = new Map<string, Promise<string>>();
  /** Devices a code was entered for, in order. */
  readonly prompted: string[] = [];

  constructor(private readonly prompt: (question: string, options: { secret: boolean }) => Promise<string>) {}

  /** Asks for the code of every device in the plan, so no prompt happens while a call's timer runs. */
  async collect(plan: ChainPlan): Promise<void> {
    for (const { serial } of plan.mfa) await this.code(serial);
  }

  /** The SDK's mfaCodeProvider: returns the code for `serial`, asking for it the first time. */
  readonly provider = (serial: string): Promise<string> => this.code(serial);

  private code(serial: string): Promise<string> {
    let pending = this.codes.get(serial);
    if (!pending) {
      pending = this.ask(serial);
      this.codes.set(serial, pending);
    }
    return pending;
  }

  private async ask(serial: string): Promise<string> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const retry = attempt > 1 ? "That was not a 6-digit code. " : "";
      const answer = (await this.prompt(`${retry}Enter the MFA code for ${serial}: `, { secret: true })).replace(/\s+/g, "");
      if (CODE.test(answer)) {
        this.prompted.push(serial);
        return answer;
      }
    }
    throw new Error(`no valid MFA code for ${serial} after ${ATTEMPTS} attempts (expected 6 digits)`);
  }
}
