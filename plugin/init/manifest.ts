// Edits package.json while keeping its look: the indentation, line endings, final
// newline and byte order mark it had, and the order of its keys.

export interface JsonFormat {
  indent: string;
  eol: string;
  finalNewline: boolean;
  bom: boolean;
}

export const DEFAULT_FORMAT: JsonFormat = { indent: "  ", eol: "\n", finalNewline: true, bom: false };

export function detectFormat(text: string): JsonFormat {
  const indent = text.match(/^[{[][^\S\r\n]*\r?\n([ \t]+)\S/)?.[1] ?? text.match(/\n([ \t]+)"/)?.[1] ?? "  ";
  return {
    indent,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
    finalNewline: /\n$/.test(text) || text.length === 0,
    bom: text.startsWith("\uFEFF"),
  };
}

export function renderJson(value: unknown, format: JsonFormat): string {
  const body = JSON.stringify(value, null, format.indent).replace(/\n/g, format.eol);
  return `${format.bom ? "\uFEFF" : ""}${body}${format.finalNewline ? format.eol : ""}`;
}

/**
 * Returns a copy of `record` with `key` set to `value`. A new key goes where it sorts
 * when the existing keys are sorted, as npm keeps dependencies, and last otherwise.
 */
export function withEntry<T>(record: Record<string, T>, key: string, value: T): Record<string, T> {
  if (key in record) return { ...record, [key]: value };
  const keys = Object.keys(record);
  const sorted = keys.every((name, index) => index === 0 || keys[index - 1]! <= name);
  if (!sorted) return { ...record, [key]: value };

  const result: Record<string, T> = {};
  let placed = false;
  for (const name of keys) {
    if (!placed && key < name) {
      result[key] = value;
      placed = true;
    }
    result[name] = record[name]!;
  }
  if (!placed) result[key] = value;
  return result;
}
