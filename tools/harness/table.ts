// The tables and fill bars plan and recommend print: one text table (columns padded to the widest
// cell, two spaces apart, a dashed rule under the head) and one markdown table for pull-request comments.

/** A text table: every column as wide as its widest cell; trailing spaces trimmed. */
export function textTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** A markdown table; `|` in a cell is escaped, the head is taken as written. */
export function markdownTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

/** `[####......]`, `width` characters for the whole; past the whole it is full and says OVER. */
export function bar(part: number, whole: number, width = 30): string {
  const ratio = whole > 0 ? part / whole : 1;
  const full = Math.min(width, Math.round(ratio * width));
  return `[${"#".repeat(full)}${".".repeat(width - full)}]${ratio > 1 ? " OVER" : ""}`;
}

/** `42%`, rounded; `-` when there is no whole to be a share of. */
export const showPercent = (part: number, whole: number): string => (whole > 0 ? `${Math.round((part * 100) / whole)}%` : "-");
