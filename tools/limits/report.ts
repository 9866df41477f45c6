// The limits report as text: one block per workload (limit, settings, load, time, OOM kills, health).
import { formatCpu, formatMemory } from "../../model/quantity";
import { bytes, millicores } from "../../model/units";
import type { LimitsReport } from "./run";
import { survived } from "./workload";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function formatReport(r: LimitsReport): string {
  const lines = [`rightsize limits for stack ${r.stack} (cgroup v${r.cgroup.version})`, ""];
  for (const w of r.workloads) {
    const limit = `${formatMemory(bytes(w.limit.memoryBytes))}${w.limit.cpuMillis !== undefined ? ` / ${formatCpu(millicores(w.limit.cpuMillis))} CPU` : ""}`;
    if (w.skipped) {
      lines.push(`skip  ${w.name} (${w.component}, ${limit}): ${w.skipped}`, "");
      continue;
    }
    lines.push(
      `${survived(w) ? "pass" : "FAIL"}  ${w.name} (${w.component}${w.role ? ` ${w.role}` : ""}) in ${limit}: ${w.oomKills} OOM kills, ${w.healthy ? "healthy" : "unhealthy"}, ${w.seconds} s`,
      `      settings: ${Object.entries(w.settings).map(([k, v]) => `${k}=${show(v)}`).join(" ")}`,
      `      load: ${w.load}`,
      `      measured: ${Object.entries(w.measured).map(([k, v]) => `${k}=${v}`).join(" ")}`,
      ...w.problems.map((p) => `      problem: ${p}`),
      "",
    );
  }
  const ran = r.workloads.filter((w) => !w.skipped);
  const failed = ran.filter((w) => !survived(w));
  lines.push(failed.length === 0 ? `${ran.length} workloads survived their worst case.` : `${failed.length} of ${ran.length} workloads did not survive: ${failed.map((w) => w.name).join(", ")}`);
  return lines.join("\n") + "\n";
}
