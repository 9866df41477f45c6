// The "changes against the base" section of plan, in text and markdown; JSON carries the Change list.
import type { Change } from "./replacements";

const VERB = { create: "create", update: "update in place", replace: "REPLACE", delete: "DELETE" } as const;

function status(c: Change): string {
  if (!c.mustAcknowledge) return "";
  return c.acknowledged ? " (acknowledged)" : " -- MUST BE ACKNOWLEDGED: --acknowledge " + c.object;
}

export function pendingAcknowledgements(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.mustAcknowledge && !c.acknowledged);
}

function summary(changes: readonly Change[]): string {
  const count = (a: Change["action"]) => changes.filter((c) => c.action === a).length;
  return `${count("create")} to create, ${count("update")} to update in place, ${count("replace")} to replace, ${count("delete")} to delete`;
}

export function renderChangesText(changes: readonly Change[], base: string): string {
  const lines = [``, `Changes against ${base}: ${changes.length === 0 ? "none" : summary(changes)}`];
  for (const c of changes) {
    lines.push(`  ${VERB[c.action]} ${c.object}${c.replacedBy.length > 0 ? ` (replaced because of ${c.replacedBy.join(", ")})` : ""}${status(c)}`);
    for (const f of c.fields) lines.push(`      ${f}`);
    if (c.note) lines.push(`      ! ${c.note}`);
  }
  const pending = pendingAcknowledgements(changes);
  if (pending.length > 0) lines.push(``, `${pending.length} replacement(s) or deletion(s) of data-bearing objects are not acknowledged: ${pending.map((c) => c.object).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export function renderChangesMarkdown(changes: readonly Change[], base: string): string {
  const lines = [``, `### Changes against \`${base}\``, ``, changes.length === 0 ? "No object changes." : summary(changes)];
  if (changes.length > 0) lines.push(``, `| object | action | fields | data |`, `| --- | --- | --- | --- |`);
  for (const c of changes) {
    const fields = c.fields.map((f) => `\`${f.replace(/\|/g, "\\|")}\``).join("<br>");
    const data = [c.mustAcknowledge ? (c.acknowledged ? "acknowledged" : "**must be acknowledged**") : "", c.note ?? ""].filter(Boolean).join(": ");
    lines.push(`| ${c.object} | ${VERB[c.action]}${c.replacedBy.length > 0 ? ` (${c.replacedBy.join(", ")})` : ""} | ${fields} | ${data.replace(/\|/g, "\\|")} |`);
  }
  const pending = pendingAcknowledgements(changes);
  if (pending.length > 0) lines.push(``, `**Not acknowledged:** ${pending.map((c) => `\`--acknowledge ${c.object}\``).join(", ")}`);
  return `${lines.join("\n")}\n`;
}
