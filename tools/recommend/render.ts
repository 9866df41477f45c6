// recommend's text table (with plan's fill bars) and its markdown for a pull-request comment.
import { formatMemory, showCpu, showMemory } from "../../model/quantity";
import type { Totals } from "../../model/reservations";
import { bytes } from "../../model/units";
import type { Plan } from "../capacity/build-plan";
import { bar, markdownTable as md, showPercent, textTable as table } from "../harness/table";
import type { Recommendation, ResourcesJson, WorkloadRecommendation } from "./build";

const cpu = showCpu;
const mem = (b: number) => showMemory(b, "compact");
const dur = (s: number) => (s >= 2 * 86400 && s % 86400 === 0 ? `${s / 86400}d` : s >= 3600 ? `${Math.round(s / 360) / 10}h` : `${Math.round(s / 60)}m`);
const num = (v: number | string | undefined, f: (n: number) => string) => (v === undefined ? "-" : typeof v === "number" ? f(v) : v);
// Exact quantities, as they would be written to config ("1280Mi", not plan's rounded "1.3Gi").
const pair = (cpuMillis?: number, memoryBytes?: number) =>
  `${cpuMillis === undefined ? "none" : showCpu(cpuMillis)}/${memoryBytes === undefined ? "none" : formatMemory(bytes(memoryBytes))}`;
const reqs = (r: ResourcesJson) => pair(r.requests.cpuMillis, r.requests.memoryBytes);
const lims = (r: ResourcesJson) => pair(r.limits.cpuMillis, r.limits.memoryBytes);
const arrow = (a: string, b: string) => (a === b ? `${a} (kept)` : `${a} -> ${b}`);
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function useBar(w: WorkloadRecommendation): string {
  const peak = w.usage?.memoryPeakBytes;
  const limit = w.current.limits.memoryBytes;
  if (typeof peak !== "number" || !limit) return "-";
  return `${bar(peak, limit, 10)} ${showPercent(peak, limit)}`;
}

function rows(r: Recommendation): string[][] {
  return r.workloads.map((w) => [
    w.name,
    String(w.usage?.pods.length ?? 0),
    num(w.usage?.historySeconds, dur),
    num(w.usage?.cpuCores, (c) => c.toFixed(3)),
    num(w.usage?.memoryPeakBytes, (b) => showMemory(Math.ceil(b))),
    useBar(w),
    w.usage ? `${w.usage.oomKilled ? "OOM" : "-"}/${w.usage.restarts}` : "-",
    arrow(reqs(w.current), reqs(w.proposed)),
    arrow(lims(w.current), lims(w.proposed)),
  ]);
}

const HEAD = ["workload", "pods", "history", "cpu p95", "mem peak", "peak of mem limit", "oom/restarts", "requests cpu/mem", "limits cpu/mem"];

function totalsRows(before: Plan, after: Plan): string[][] {
  const a = after.budget.allocatable;
  const b = before.budget.allocatable;
  const row = (label: string, k: keyof Totals) => [
    label,
    `${cpu(before.totals[k].cpuMillis)} -> ${cpu(after.totals[k].cpuMillis)}`,
    `${showPercent(before.totals[k].cpuMillis, b.cpuMillis)} -> ${showPercent(after.totals[k].cpuMillis, a.cpuMillis)}`,
    `${mem(before.totals[k].memoryBytes)} -> ${mem(after.totals[k].memoryBytes)}`,
    `${showPercent(before.totals[k].memoryBytes, b.memoryBytes)} -> ${showPercent(after.totals[k].memoryBytes, a.memoryBytes)}`,
  ];
  return [row("requests", "requests"), row("rollout peak", "rolloutPeak"), row("limits", "limits")];
}

/** Tuning before -> after per workload, with the reductions said plainly. */
export function tuningLines(r: Recommendation): string[] {
  return r.workloads
    .filter((w) => w.tuning.length > 0)
    .map((w) => `${w.name}: ${w.tuning.map((t) => `${t.key} ${show(t.before)} -> ${show(t.after)}${t.reduced ? " (DOWN)" : ""}`).join(", ")}`);
}

/**
 * Every reduction of a value users rely on, and every workload scaled by a CPU HPA whose CPU request
 * moves, as a sentence (a KEDA ScaledObject scales on queue length, which the request does not move).
 */
export function warnings(r: Recommendation): string[] {
  return r.workloads.flatMap((w) => {
    const c = w.count;
    // A count that moves, up or down, with the memory each unit gets under either config.
    const counted = c && c.before !== c.after ? [countLine(w.name, c)] : [];
    const out = [
      ...counted,
      ...w.tuning
        .filter((t) => t.reduced && !(c && t.key === c.key))
        .map((t) => `${w.name}: ${t.key} goes DOWN from ${show(t.before)} to ${show(t.after)}; check that the workload still gets the capacity it needs`),
      ...w.notes.map((n) => `${w.name}: ${n}`),
    ];
    const planned = r.current.workloads.find((x) => x.name === w.name);
    const [was, now] = [w.current.requests.cpuMillis, w.proposed.requests.cpuMillis];
    if (planned?.scaler?.startsWith("HorizontalPodAutoscaler/") && was !== now) {
      out.push(`${w.name}: its HPA scales on CPU utilization, a share of the request: with ${showCpu(now)} instead of ${showCpu(was)} it scales ${now < was ? "out sooner" : "out later"}`);
    }
    return out;
  });
}

/** `web: workers goes DOWN from 3 to 2 (each gunicorn worker gets 98Mi -> 150Mi)`. */
export function countLine(name: string, c: NonNullable<WorkloadRecommendation["count"]>): string {
  const dir = c.after < c.before ? "goes DOWN" : "goes UP";
  return `${name}: ${c.key} ${dir} from ${c.before} to ${c.after} (each ${c.unit} gets ${showMemory(c.memoryPerUnitBefore)} -> ${showMemory(c.memoryPerUnitAfter)})`;
}

function reasonLines(r: Recommendation): string[] {
  return r.workloads.map((w) =>
    w.cpu.reason === w.memory.reason ? `${w.name}: kept: ${w.cpu.reason}` : `${w.name}: cpu ${w.cpu.action}: ${w.cpu.reason}; memory ${w.memory.action}: ${w.memory.reason}`,
  );
}

function verdict(r: Recommendation): string {
  if (!r.proposed) return `the proposed stack config is INVALID: ${r.configErrors.join("; ")}`;
  const mandatory = r.proposed.violations.filter((v) => v.enforcementLevel === "mandatory");
  if (mandatory.length === 0) return `no mandatory violation (${r.proposed.violations.length} advisory finding(s))`;
  return `${mandatory.length} MANDATORY violation(s): ${mandatory.map((v) => `${v.policy} on ${v.resource}`).join(", ")}`;
}

function applyLines(r: Recommendation, write: boolean): string[] {
  if (r.changes.length === 0) return ["Nothing to change."];
  const stackFile = `Pulumi.${r.stack}.yaml`;
  const tail = r.written
    ? [`Written to ${stackFile} (comments and key order kept).`]
    : write
      ? [`Not written to ${stackFile}: the proposed stack must pass config validation and every mandatory policy.`]
      : [`Or run again with --write to edit ${stackFile} in place.`];
  return ["Apply with:", ...r.commands.map((c) => `  ${c}`), ...tail];
}

function source(r: Recommendation): string {
  return "prometheus" in r.source ? `Prometheus at ${r.source.prometheus}` : `the usage file ${r.source.usageFile}`;
}

function strategyLine(r: Recommendation): string {
  const s = r.strategy;
  return (
    `Strategy: CPU request = p${s.cpuPercentile} of the 5m CPU rate (the CPU limit is kept: the tuning reads it); ` +
    `memory: a workload with a usage model keeps its counts and gets its per-unit cost calibrated (peak - fixed) / units + ${s.memoryBufferPercent}%, ` +
    `others request = limit = peak + ${s.memoryBufferPercent}%; after an OOM kill in the window at least the limit at the kill + ${s.oomBufferPercent}%; ` +
    `at least ${dur(s.minHistorySeconds)} of history (minutes with samples), else the current values stay.`
  );
}

export function renderRecommendText(r: Recommendation, stackFile: string, write: boolean): string {
  const after = r.proposed ?? r.current;
  const a = after.budget.allocatable;
  const peak = (p: Plan, k: "cpuMillis" | "memoryBytes") => `${bar(p.totals.rolloutPeak[k], p.budget.allocatable[k], 20)} ${showPercent(p.totals.rolloutPeak[k], p.budget.allocatable[k])}`;
  const out = [
    `rightsize recommend for stack ${r.stack} (${stackFile}): namespace ${r.namespace}, ${dur(r.windowSeconds)} of usage from ${source(r)}`,
    strategyLine(r),
    "",
    table(HEAD, rows(r)),
    "",
    "Why:",
    ...reasonLines(r).map((l) => `  ${l}`),
    ...(r.unmatched.length > 0
      ? ["", `Skipped (not counted for any workload; pods mapped by ${r.mappedBy === "kube_pod_owner" ? "kube_pod_owner" : "name"}):`, ...r.unmatched.map((u) => `  pod ${u.pod} container ${u.container}: ${u.reason}`)]
      : []),
    "",
    "Tuning before -> after (read from the rendered objects of both stacks):",
    ...(tuningLines(r).length > 0 ? tuningLines(r).map((l) => `  ${l}`) : ["  no tuning value changes"]),
    "",
    table(["total", "cpu", "of budget", "memory", "of budget"], totalsRows(r.current, after)),
    "",
    `CPU    before ${peak(r.current, "cpuMillis")}  after ${peak(after, "cpuMillis")} of ${cpu(a.cpuMillis)} at rollout peak`,
    `Memory before ${peak(r.current, "memoryBytes")}  after ${peak(after, "memoryBytes")} of ${mem(a.memoryBytes)} at rollout peak`,
    after.packing.fits ? `Packing after: every pod fits on ${after.budget.nodes} node(s) (first-fit-decreasing).` : `Packing after: ${after.packing.unplaced.length} pod(s) do not fit.`,
    `Policies on the proposed stack: ${verdict(r)}`,
    ...(warnings(r).length > 0 ? ["", "Warnings:", ...warnings(r).map((w) => `  ${w}`)] : []),
    ...(r.trade.length > 0 ? ["", "Budget:", ...r.trade.map((t) => `  ${t}`)] : []),
    "",
    ...applyLines(r, write),
  ];
  return out.join("\n") + "\n";
}

export function renderRecommendMarkdown(r: Recommendation, stackFile: string, write: boolean): string {
  const after = r.proposed ?? r.current;
  const tuning = (w: WorkloadRecommendation) => w.tuning.map((t) => `${t.key} ${show(t.before)} → ${show(t.after)}${t.reduced ? " **(down)**" : ""}`).join("<br>") || "-";
  return [
    `### rightsize recommend: \`${r.stack}\` (${verdict(r)})`,
    "",
    `${stackFile}, namespace \`${r.namespace}\`, ${dur(r.windowSeconds)} of usage from ${source(r)}. ${strategyLine(r)}`,
    "",
    md(
      ["workload", "cpu p95", "mem peak", "oom/restarts", "requests", "limits", "tuning", "why"],
      r.workloads.map((w, i) => {
        const row = rows(r)[i]!;
        return [w.name, row[3]!, row[4]!, row[6]!, row[7]!, row[8]!, tuning(w), reasonLines(r)[i]!.slice(w.name.length + 2)];
      }),
    ),
    "",
    md(["total", "cpu", "of budget", "memory", "of budget"], totalsRows(r.current, after)),
    "",
    ...(r.unmatched.length > 0 ? [`Skipped: ${r.unmatched.map((u) => `\`${u.pod}/${u.container}\` (${u.reason})`).join(", ")}`, ""] : []),
    ...warnings(r).map((w) => `- **${w}**`),
    ...r.trade.map((t) => `- ${t}`),
    "",
    "```sh",
    ...(r.commands.length > 0 ? r.commands : ["# nothing to change"]),
    "```",
    "",
    ...(r.written ? [`Written to ${stackFile}.`, ""] : write && r.changes.length > 0 ? [`Not written to ${stackFile}: the proposed stack must pass config validation and every mandatory policy.`, ""] : []),
  ].join("\n");
}
