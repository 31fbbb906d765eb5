// A unified diff of one file, for the preview init shows before it writes. The
// common head and tail are trimmed first, so the longest-common-subsequence table
// only covers the lines around the edits.
import type { Palette } from "../report/color.js";

const CONTEXT_LINES = 3;
// Above this many table cells the changed middle is shown as removed, then added.
const MAX_TABLE_CELLS = 4_000_000;

type Line = { kind: " " | "-" | "+"; text: string };

export function unifiedDiff(file: string, before: string | undefined, after: string, paint: Palette): string {
  const oldLines = before === undefined ? [] : splitLines(before);
  const newLines = splitLines(after);
  const lines = diffLines(oldLines, newLines);
  const header = [paint.bold(`--- ${before === undefined ? "/dev/null" : `a/${file}`}`), paint.bold(`+++ b/${file}`)];
  return [...header, ...hunks(lines, paint)].join("\n") + "\n";
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function diffLines(oldLines: string[], newLines: string[]): Line[] {
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  ) {
    tail++;
  }

  const oldMiddle = oldLines.slice(head, oldLines.length - tail);
  const newMiddle = newLines.slice(head, newLines.length - tail);
  const same = (text: string): Line => ({ kind: " ", text });
  return [...oldLines.slice(0, head).map(same), ...diffMiddle(oldMiddle, newMiddle), ...oldLines.slice(oldLines.length - tail).map(same)];
}

function diffMiddle(a: string[], b: string[]): Line[] {
  if (a.length * b.length > MAX_TABLE_CELLS) {
    return [...a.map((text): Line => ({ kind: "-", text })), ...b.map((text): Line => ({ kind: "+", text }))];
  }
  // lengths[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: " ", text: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      lines.push({ kind: "-", text: a[i]! });
      i++;
    } else {
      lines.push({ kind: "+", text: b[j]! });
      j++;
    }
  }
  return lines;
}

function hunks(lines: Line[], paint: Palette): string[] {
  const output: string[] = [];
  const changed = lines.map((line, index) => (line.kind === " " ? -1 : index)).filter((index) => index >= 0);
  let cursor = 0;
  while (cursor < changed.length) {
    const first = changed[cursor]!;
    let last = first;
    // Join changes whose context would overlap into one hunk.
    while (cursor + 1 < changed.length && changed[cursor + 1]! - last <= CONTEXT_LINES * 2 + 1) last = changed[++cursor]!;
    cursor++;

    const start = Math.max(0, first - CONTEXT_LINES);
    const end = Math.min(lines.length, last + CONTEXT_LINES + 1);
    const before = lines.slice(0, start);
    const oldStart = before.filter((line) => line.kind !== "+").length;
    const newStart = before.filter((line) => line.kind !== "-").length;
    const body = lines.slice(start, end);
    const oldCount = body.filter((line) => line.kind !== "+").length;
    const newCount = body.filter((line) => line.kind !== "-").length;
    output.push(paint.cyan(`@@ -${oldCount === 0 ? oldStart : oldStart + 1},${oldCount} +${newCount === 0 ? newStart : newStart + 1},${newCount} @@`));
    for (const line of body) {
      const text = `${line.kind}${line.text}`;
      if (line.kind === "+") output.push(paint.green(text));
      else if (line.kind === "-") output.push(paint.red(text));
      else output.push(text);
    }
  }
  return output;
}
