// Text helpers shared by the reports.

const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// C0 controls other than tab and line feed, DEL, and the C1 range.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Removes terminal escape sequences and control characters (except tab and line
 * feed) from text that came from hooks or AWS, so a message can neither move the
 * cursor nor recolour the report. A carriage return becomes a line feed.
 */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(ESCAPE_SEQUENCE, "").replace(CONTROL_CHARACTER, "");
}

/** Formats a duration for summaries, such as "140 ms" or "2.3 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
