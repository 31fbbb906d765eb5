// Asks one question on stderr and reads the answer from stdin. A secret, such as an
// MFA code, is read with the terminal in raw mode, so no character is echoed. Only
// used when stdin is a terminal and CI is not set.
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
  if (options.signal?.aborted) return Promise.reject(options.signal.reason ?? new Error("prompt aborted"));
  return options.secret ? readSecret(question, options.signal) : readLine(question, options.signal);
}

function readLine(question: string, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const onAbort = () => {
      rl.close();
      reject(signal?.reason ?? new Error("prompt aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    rl.question(question, (answer) => {
      signal?.removeEventListener("abort", onAbort);
      rl.close();
      resolve(answer.trim());
    });
  });
}

/** Reads a line without echo: Enter ends it, Backspace and Ctrl+U edit it, Ctrl+C interrupts. */
function readSecret(question: string, signal: AbortSignal | undefined): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  if (!input.isTTY || typeof input.setRawMode !== "function") {
    return Promise.reject(new PromptUnavailableError(`cannot ask "${question.trim()}" without echo: stdin is not a terminal`));
  }

  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw;
    let answer = "";
    let inEscape = false;

    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      input.off("data", onData);
      signal?.removeEventListener("abort", onAbort);
      input.setRawMode(wasRaw);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(answer.trim());
    };
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error("prompt aborted"));
    // Raw mode turns Ctrl+C into a character, so send the SIGINT it stands for and wait for
    // the run to abort. The timer covers a process whose SIGINT handler does not abort it.
    const interrupt = () => {
      input.off("data", onData);
      setTimeout(() => finish(new PromptUnavailableError("interrupted")), 1_000).unref();
      process.kill(process.pid, "SIGINT");
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (inEscape) {
          // Skip the rest of an escape sequence, such as an arrow key.
          if (/[A-Za-z~]/.test(char)) inEscape = false;
          continue;
        }
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return interrupt();
        if (char === "\u0004" && answer === "") return finish(new PromptUnavailableError("no input: stdin ended before a line was entered"));
        if (char === "\u007f" || char === "\b") answer = answer.slice(0, -1);
        else if (char === "\u0015") answer = "";
        else if (char === "\u001b") inEscape = true;
        else if (char >= " ") answer += char;
      }
    };

    output.write(question);
    signal?.addEventListener("abort", onAbort, { once: true });
    input.setRawMode(true);
    input.on("data", onData);
    input.resume();
  });
}
