// Asks one question on stderr and reads the answer from stdin, echoing nothing for
// secrets such as an MFA code. Only used when stdin is a terminal and CI is not set.
import { createInterface } from "node:readline";

export interface PromptOptions {
  secret?: boolean;
  interactive: boolean;
  signal?: AbortSignal;
}

export class PromptUnavailableError extends Error {
  override get name(): string {
    return "PromptUnavailableError";
  }
}

export function promptOnTerminal(question: string, options: PromptOptions): Promise<string> {
  if (!options.interactive) {
    return Promise.reject(new PromptUnavailableError(`cannot ask "${question.trim()}": stdin is not a terminal or CI is set`));
  }
  return new Promise((resolve, reject) => {
    const output = process.stderr;
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    if (options.secret) {
      // Write the question ourselves, then swallow readline's echo of each key.
      const write = (rl as unknown as { _writeToOutput?: (text: string) => void });
      write._writeToOutput = (text: string) => {
        if (text.includes(question)) output.write(question);
        else if (text.includes("\n") || text.includes("\r")) output.write("\n");
      };
    }
    const onAbort = () => {
      rl.close();
      reject(options.signal?.reason ?? new Error("prompt aborted"));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    rl.question(question, (answer) => {
      options.signal?.removeEventListener("abort", onAbort);
      rl.close();
      resolve(answer.trim());
    });
  });
}
