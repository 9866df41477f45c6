// What every load shares: a scratch folder, the cgroups it made (all destroyed at the end, also on
// SIGINT/SIGTERM), and the clock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cgroup, type CgroupOptions, detectHierarchy, type Hierarchy } from "./cgroup";
import { stopAll } from "./software";

export interface Harness {
  readonly hierarchy: Hierarchy;
  /** A fresh scratch folder for one workload, removed by close(). */
  scratch(label: string): string;
  /** A fresh group with the workload's limits, destroyed by close(). */
  group(o: CgroupOptions): Cgroup;
  /** Stops every process started, destroys every group, removes every scratch folder. */
  close(): Promise<void>;
}

export function createHarness(): Harness {
  const hierarchy = detectHierarchy();
  const groups: Cgroup[] = [];
  const dirs: string[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await stopAll();
    for (const g of groups) await g.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    void close().finally(() => process.kill(process.pid, sig));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    hierarchy,
    scratch(label) {
      const d = mkdtempSync(join(tmpdir(), `rightsize-limits-${label}-`));
      dirs.push(d);
      return d;
    },
    group(o) {
      const g = Cgroup.create(o, hierarchy);
      groups.push(g);
      return g;
    },
    async close() {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      await close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function stopwatch(): () => number {
  const t0 = Date.now();
  return () => Math.round((Date.now() - t0) / 100) / 10;
}
