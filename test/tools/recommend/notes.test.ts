import { describe, expect, it } from "vitest";
import { bytes, MiB, millicores } from "../../../model/units";
import { usageNotes } from "../../../tools/recommend/notes";
import { DEFAULT_STRATEGY, type Resources } from "../../../tools/recommend/strategy";

const cur: Resources = { requests: { cpu: millicores(500), memory: bytes(4096 * MiB) }, limits: { cpu: millicores(2000), memory: bytes(4096 * MiB) } };
const base = { oomKilled: false, restarts: 0, samples: 10 };

describe("usageNotes", () => {
  it("a growth trend: the slope a day and the days until the current and the proposed limit", () => {
    const n = usageNotes({ ...base, memoryPeakBytes: 3000 * MiB, trend: { slopeBytesPerDay: 200 * MiB, nowBytes: 3072 * MiB } }, cur, DEFAULT_STRATEGY, 3584 * MiB);
    expect(n).toEqual(["memory grows: the daily peaks rise 200Mi/day (least squares), now 3Gi; reaches the 4Gi limit in 5.1 days, the proposed 3584Mi in 2.6; a leak is not fixed by a limit"]);
  });
  it("no note for a flat or falling line, or a rise under 2% of the limit a day", () => {
    expect(usageNotes({ ...base, trend: { slopeBytesPerDay: -50 * MiB, nowBytes: MiB } }, cur)).toEqual([]);
    expect(usageNotes({ ...base, trend: { slopeBytesPerDay: 80 * MiB, nowBytes: MiB } }, cur)).toEqual([]);
  });
  it("throttling above 5% is said; above the strategy's 25% with the raise", () => {
    expect(usageNotes({ ...base, throttledRatio: 0.1 }, cur, DEFAULT_STRATEGY)).toEqual(["CPU throttled in 10% of CFS periods"]);
    expect(usageNotes({ ...base, throttledRatio: 0.4 }, cur, DEFAULT_STRATEGY)).toEqual(["CPU throttled in 40% of CFS periods (a higher CPU limit is proposed)"]);
  });
});
