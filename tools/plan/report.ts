// The capacity plan rendered for people: a text table with fill bars, or markdown for a pull request.
import { showCpu, showMemory } from "../../model/quantity";
import type { Budget } from "../../model/budget";
import type { Plan, PlanWorkload } from "../capacity/build-plan";
import { descriptorOf } from "../../components/registry";

const cpu = showCpu;
const mem = (b: number) => showMemory(b, "compact");
const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part * 100) / whole)}%` : "-");

function bar(part: number, whole: number, width = 30): string {
  const ratio = whole > 0 ? part / whole : 1;
  const full = Math.min(width, Math.round(ratio * width));
  return `[${"#".repeat(full)}${".".repeat(width - full)}]${ratio > 1 ? " OVER" : ""}`;
}

function tuningSummary(w: PlanWorkload): string {
  // The tuning values worth a column in the text table are the component's headline; the JSON has them all.
  const keys = descriptorOf(w.component)?.headline ?? Object.keys(w.tuning).slice(0, 4);
  return keys.filter((k) => k in w.tuning).map((k) => `${k}=${String(w.tuning[k])}`).join(" ");
}

function rows(p: Plan): string[][] {
  return p.workloads.map((w) => [
    w.name,
    w.kind,
    // An autoscaled workload shows min..max (KEDA may go to 0); the totals and the fill bar count the max.
    w.scaler || w.maxReplicas > w.replicas ? `${w.replicas}..${w.maxReplicas}` : String(w.replicas),
    `${cpu(w.podRequests.cpuMillis)} / ${mem(w.podRequests.memoryBytes)}`,
    `${cpu(w.podLimits.cpuMillis)} / ${mem(w.podLimits.memoryBytes)}`,
    tuningSummary(w),
  ]);
}

const HEADER = ["workload", "kind", "replicas", "requests/pod", "limits/pod", "tuning"];

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function budgetLine(b: Budget): string {
  return (
    `${b.nodes} node${b.nodes === 1 ? "" : "s"} x ${cpu(b.perNode.cpuMillis)} CPU / ${mem(b.perNode.memoryBytes)}, ` +
    `reserved ${cpu(b.reservedPerNode.cpuMillis)} / ${mem(b.reservedPerNode.memoryBytes)} per node -> ` +
    `allocatable ${cpu(b.allocatable.cpuMillis)} CPU / ${mem(b.allocatable.memoryBytes)}`
  );
}

function imageLine(p: Plan): string[] {
  const i = p.appImage;
  if (!i) return [];
  if (i.source === "pinned") return [`App image: pinned ${i.refs.join(", ")}`];
  return [`App image: ${i.note} (${i.targets.map((t) => `${t.target} -> ${t.imageName}`).join(", ")})`];
}

function policyLines(p: Plan): string[] {
  if (!p.policies.evaluated) return [`Policies: not evaluated${p.policies.note ? ` (${p.policies.note})` : ""}.`];
  const results = p.policies.results ?? [];
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = [
    `Policies: ${p.policies.pack?.name} ${p.policies.pack?.version}, ${results.length} policies over the Analyzer protocol:`,
    ...results.map((r) => `  ${r.violations > 0 ? "FAIL" : "pass"}  ${r.name.padEnd(width)}  ${r.enforcementLevel}${r.violations > 0 ? `, ${r.violations} violation(s)` : ""}`),
  ];
  if (p.violations.length === 0) return [...lines, "No violations."];
  return [
    ...lines,
    "",
    "Violations:",
    ...p.violations.map((v) => `  [${v.enforcementLevel}] ${v.policy} on ${v.resource}:\n${v.message.split("\n").map((l) => `      ${l}`).join("\n")}`),
  ];
}

export function renderText(p: Plan, stackFile: string): string {
  const a = p.budget.allocatable;
  const t = p.totals;
  const out = [
    `rightsize plan for stack ${p.stack} (${stackFile})`,
    `Budget: ${budgetLine(p.budget)}`,
    ...imageLine(p),
    "",
    table(HEADER, rows(p)),
    "",
    table(
      ["total", "cpu", "of budget", "memory", "of budget"],
      [
        ["requests", cpu(t.requests.cpuMillis), pct(t.requests.cpuMillis, a.cpuMillis), mem(t.requests.memoryBytes), pct(t.requests.memoryBytes, a.memoryBytes)],
        ["rollout peak", cpu(t.rolloutPeak.cpuMillis), pct(t.rolloutPeak.cpuMillis, a.cpuMillis), mem(t.rolloutPeak.memoryBytes), pct(t.rolloutPeak.memoryBytes, a.memoryBytes)],
        ["limits", cpu(t.limits.cpuMillis), pct(t.limits.cpuMillis, a.cpuMillis), mem(t.limits.memoryBytes), pct(t.limits.memoryBytes, a.memoryBytes)],
      ],
    ),
    "",
    `CPU    ${bar(t.rolloutPeak.cpuMillis, a.cpuMillis)} ${pct(t.rolloutPeak.cpuMillis, a.cpuMillis)} of ${cpu(a.cpuMillis)} at rollout peak`,
    `Memory ${bar(t.rolloutPeak.memoryBytes, a.memoryBytes)} ${pct(t.rolloutPeak.memoryBytes, a.memoryBytes)} of ${mem(a.memoryBytes)} at rollout peak`,
    p.packing.fits
      ? `Packing: every pod fits on ${p.budget.nodes} node${p.budget.nodes === 1 ? "" : "s"} (first-fit-decreasing).`
      : `Packing: ${p.packing.unplaced.length} pod(s) do not fit: ${p.packing.unplaced.slice(0, 5).map((u) => `${u.pod} (${u.reason})`).join(", ")}`,
    "",
    ...policyLines(p),
  ];
  return out.join("\n") + "\n";
}

export function renderMarkdown(p: Plan, stackFile: string): string {
  const a = p.budget.allocatable;
  const t = p.totals;
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const md = (head: string[], body: string[][]) =>
    [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
  const mandatory = p.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const verdict = !p.policies.evaluated ? "policies not evaluated" : mandatory > 0 ? `**${mandatory} mandatory violation(s)**` : "no mandatory violation";
  return [
    `### rightsize plan: \`${p.stack}\` (${verdict})`,
    "",
    `Budget (${stackFile}): ${budgetLine(p.budget)}`,
    ...imageLine(p).map((l) => `\n${l}`),
    "",
    md(HEADER, rows(p).map((r) => r.map((c, i) => (i === 5 ? `\`${c}\`` : c)))),
    "",
    md(
      ["total", "cpu", "memory"],
      [
        ["requests", `${cpu(t.requests.cpuMillis)} (${pct(t.requests.cpuMillis, a.cpuMillis)})`, `${mem(t.requests.memoryBytes)} (${pct(t.requests.memoryBytes, a.memoryBytes)})`],
        ["rollout peak", `${cpu(t.rolloutPeak.cpuMillis)} (${pct(t.rolloutPeak.cpuMillis, a.cpuMillis)})`, `${mem(t.rolloutPeak.memoryBytes)} (${pct(t.rolloutPeak.memoryBytes, a.memoryBytes)})`],
        ["limits", cpu(t.limits.cpuMillis), mem(t.limits.memoryBytes)],
      ],
    ),
    "",
    p.packing.fits ? `Packing: every pod fits on ${p.budget.nodes} node(s).` : `Packing: **${p.packing.unplaced.length} pod(s) do not fit**.`,
    "",
    ...markdownPolicies(p, md),
    "",
  ].join("\n");
}

function markdownPolicies(p: Plan, md: (head: string[], body: string[][]) => string): string[] {
  if (!p.policies.evaluated) return policyLines(p);
  const results = p.policies.results ?? [];
  const out = [
    `Policies (${p.policies.pack?.name} ${p.policies.pack?.version}, run over the Analyzer protocol):`,
    "",
    md(["result", "policy", "level"], results.map((r) => [r.violations > 0 ? `**fail** (${r.violations})` : "pass", `\`${r.name}\``, r.enforcementLevel])),
  ];
  if (p.violations.length > 0) {
    const cell = (s: string) => s.replace(/\n/g, "<br>");
    out.push("", md(["level", "policy", "resource", "message"], p.violations.map((v) => [v.enforcementLevel, v.policy, v.resource, cell(v.message)])));
  }
  return out;
}

/** Plan's fill bar and percentages, for recommend's before/after table. */
export { bar, pct as showPercent };
