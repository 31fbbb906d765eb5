// A real terminal for tests: runs a command in a detached tmux session on a private
// socket, types keys into it, reads the screen, and records every byte the command
// writes (tmux pipe-pane), so tests see both what a person sees and the raw escape
// sequences. Needs tmux on the PATH.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

export interface Terminal {
  /** Text on the screen now, one string per row, trailing blank rows removed. */
  screen(): Promise<string>;
  /** Bytes the command wrote so far, escape sequences included. */
  raw(): string;
  /** Types text; `enter` adds the Enter key. */
  type(text: string, enter?: boolean): Promise<void>;
  /** Waits until the screen contains `text`, or fails with the screen after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the command to end and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface TerminalOptions {
  cwd: string;
  /** The whole environment of the command; nothing else is inherited. */
  env: Record<string, string>;
  columns?: number;
  rows?: number;
}

let sessions = 0;

/** Starts `command` with `args` in a new terminal. */
export async function openTerminal(command: string, args: string[], options: TerminalOptions): Promise<Terminal> {
  const work = mkdtempSync(path.join(os.tmpdir(), "preflight-tty-"));
  const socket = `preflight-${process.pid}-${++sessions}`;
  const rawFile = path.join(work, "raw");
  const exitFile = path.join(work, "exit");
  const goFile = path.join(work, "go");
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

  // The command waits for the go file, so pipe-pane records its very first byte.
  const script = [
    `while [ ! -f ${quote(goFile)} ]; do sleep 0.02; done`,
    `cd ${quote(options.cwd)}`,
    `env -i ${Object.entries(options.env).map(([name, value]) => `${name}=${quote(value)}`).join(" ")} ${[command, ...args].map(quote).join(" ")}`,
    `echo $? > ${quote(exitFile)}`,
    "sleep 600",
  ].join("\n");
  writeFileSync(path.join(work, "run.sh"), script);

  const tmux = (...tmuxArgs: string[]) => execa("tmux", ["-L", socket, "-f", "/dev/null", ...tmuxArgs], { reject: true, env: { PATH: process.env.PATH ?? "", TERM: "xterm-256color" }, extendEnv: false });
  await tmux("new-session", "-d", "-s", "main", "-x", String(options.columns ?? 120), "-y", String(options.rows ?? 40), `sh ${quote(path.join(work, "run.sh"))}`);
  await tmux("pipe-pane", "-t", "main", "-o", `cat >> ${quote(rawFile)}`);
  writeFileSync(goFile, "");

  const screen = async () => (await tmux("capture-pane", "-p", "-J", "-t", "main")).stdout.replace(/\s+$/, "");
  const poll = async <T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${await screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    screen,
    raw: () => (existsSync(rawFile) ? readFileSync(rawFile, "utf8") : ""),
    type: async (text, enter = false) => {
      await tmux("send-keys", "-t", "main", "-l", text);
      if (enter) await tmux("send-keys", "-t", "main", "Enter");
    },
    waitFor: (text, timeoutMs = 30_000) =>
      poll(async () => {
        const current = await screen();
        return (typeof text === "string" ? current.includes(text) : text.test(current)) ? current : undefined;
      }, timeoutMs, JSON.stringify(String(text))),
    exitCode: (timeoutMs = 60_000) =>
      poll(async () => {
        const text = existsSync(exitFile) ? readFileSync(exitFile, "utf8").trim() : "";
        return text ? Number(text) : undefined;
      }, timeoutMs, "the command to exit"),
    close: async () => {
      await tmux("kill-server").catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
