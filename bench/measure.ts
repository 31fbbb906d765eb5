// Measures one command: its wall time and peak memory (the maximum resident set size
// from GNU time's %M), or the time until its first byte on stdout. Also takes medians.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const GNU_TIME = "/usr/bin/time";

export interface Command {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface Sample {
  wallMs: number;
  /** Maximum resident set size in MiB; undefined without GNU time. */
  peakMiB: number | undefined;
  exitCode: number | null;
}

/** Whether GNU time is installed, which the memory figures need (Debian: apt-get install time). */
export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** Runs `command` to its end and returns its wall time and peak memory. */
export function runTimed(command: Command): Promise<Sample> {
  const wrapped = hasGnuTime() ? { file: GNU_TIME, args: ["-f", "PEAK_KB=%M", command.file, ...command.args] } : command;
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(wrapped.file, wrapped.args, { cwd: command.cwd, env: command.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - began;
      const peak = /PEAK_KB=(\d+)/.exec(stderr)?.[1];
      resolve({ wallMs, peakMiB: peak ? Number(peak) / 1024 : undefined, exitCode: code });
    });
  });
}

/** Runs `command` and returns the time until its first byte on stdout, then lets it finish. */
export function timeToFirstByte(command: Command): Promise<{ firstByteMs: number; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(command.file, command.args, { cwd: command.cwd, env: command.env, stdio: ["ignore", "pipe", "ignore"] });
    let firstByteMs: number | undefined;
    child.stdout.once("data", () => (firstByteMs = performance.now() - began));
    child.on("error", reject);
    child.on("close", (code) => {
      if (firstByteMs === undefined) reject(new Error(`${command.file} ${command.args.join(" ")} printed nothing on stdout (exit code ${code})`));
      else resolve({ firstByteMs, exitCode: code });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Summary {
  wallMs: number;
  peakMiB: number | undefined;
  runs: number;
}

export function summarize(samples: Sample[]): Summary {
  const peaks = samples.map((sample) => sample.peakMiB).filter((value): value is number => value !== undefined);
  return { wallMs: median(samples.map((sample) => sample.wallMs)), peakMiB: peaks.length ? median(peaks) : undefined, runs: samples.length };
}
