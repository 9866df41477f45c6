// What the usage shows beyond sizing, as sentences for the warnings: a growth trend (the least-squares
// slope of the daily peaks, with the days until the current and the proposed limit are reached),
// throttling, restarts for other reasons than OOM, and an OOM reason from before the window. Pure.
import { showMemory } from "../../model/quantity";
import type { ContainerUsage, Resources, Strategy } from "./strategy";

const days = (n: number) => (n >= 10 ? `${Math.round(n)}` : `${Math.round(n * 10) / 10}`);

/** What the usage shows that sizing does not: growth, throttling, restarts for other reasons, a stale kill. */
export function usageNotes(u: ContainerUsage, cur: Resources, s?: Strategy, proposedLimit?: number): string[] {
  const out: string[] = [];
  const limit = cur.limits.memory;
  const t = u.trend;
  // A trend worth saying: the daily peaks grow by more than 2% of the limit (or of the peak) a day.
  if (t && Number.isFinite(t.slopeBytesPerDay) && t.slopeBytesPerDay > 0.02 * (limit ?? u.memoryPeakBytes ?? Infinity)) {
    const reach = limit !== undefined && t.nowBytes < limit ? ` reaches the ${showMemory(limit)} limit in ${days((limit - t.nowBytes) / t.slopeBytesPerDay)} days` : "";
    const proposed =
      proposedLimit !== undefined && proposedLimit !== limit
        ? proposedLimit > t.nowBytes
          ? `, the proposed ${showMemory(proposedLimit)} in ${days((proposedLimit - t.nowBytes) / t.slopeBytesPerDay)}`
          : `, and the proposed ${showMemory(proposedLimit)} is already below the trend line`
        : "";
    out.push(`memory grows: the daily peaks rise ${showMemory(Math.round(t.slopeBytesPerDay))}/day (least squares), now ${showMemory(Math.round(t.nowBytes))}${reach ? `;${reach}${proposed}` : proposed}; a leak is not fixed by a limit`);
  }
  if (u.throttledRatio !== undefined && Number.isFinite(u.throttledRatio) && u.throttledRatio > 0.05) {
    const high = s !== undefined && u.throttledRatio * 100 > s.throttlePercent;
    out.push(`CPU throttled in ${Math.round(u.throttledRatio * 100)}% of CFS periods${high ? " (a higher CPU limit is proposed)" : ""}`);
  }
  if (u.restartReasons && u.restartReasons.length > 0) out.push(`restarted in the window (last terminated: ${u.restartReasons.join(", ")}): not a memory problem; check the logs`);
  if (u.staleOom && !u.oomKilled) out.push("an OOMKilled last-terminated reason from before the window (no restart inside it): not counted");
  return out;
}

