// The browser service's fixed part in its memory limit: a Node heap filled near its ceiling
// (--max-old-space-size from the rendered NODE_OPTIONS) beside a memory-backed /dev/shm filled to its size
// (tmpfs pages written inside the group stay charged to it). Chromium's sessions are not loaded here.
// Healthy: the heap filled and the process exited by itself.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Harness, stopwatch } from "./harness";
import { start, type Started } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";

const MiB = 1024 * 1024;
/** Fill the heap to this share of its ceiling: V8 aborts by itself at the ceiling, which is not the test. */
const HEAP_FILL = 0.9;

export interface HeapShmOptions {
  readonly heapMiB?: number;
  readonly shmBytes?: number;
}

export function heapMiBOf(w: RenderedWorkload): number {
  const m = /--max-old-space-size=(\d+)/.exec(String(w.tuning.NODE_OPTIONS ?? ""));
  if (!m) throw new Error(`${w.name}: no --max-old-space-size in NODE_OPTIONS`);
  return Number(m[1]);
}

export async function heapShmLoad(h: Harness, w: RenderedWorkload, opts: HeapShmOptions = {}): Promise<WorkloadReport> {
  const heapMiB = opts.heapMiB ?? heapMiBOf(w);
  const shmBytes = opts.shmBytes ?? Number(w.tuning.shm_bytes ?? 0);
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  const shmDir = join("/dev/shm", g.name);
  mkdirSync(shmDir);
  const fill = Math.floor((heapMiB * HEAP_FILL) / 16);
  // 16 MiB arrays of doubles, kept: old space grows to ~90% of the ceiling (Buffers would live outside it).
  const script = `const keep = []; for (let i = 0; i < ${fill}; i++) keep.push(new Array(2 * 1024 * 1024).fill(i + 0.5)); console.log("heap filled", keep.length);`;
  const shm = shmBytes > 0 ? `dd if=/dev/zero of=${join(shmDir, "fill")} bs=1M count=${Math.floor(shmBytes / MiB)} status=none && ` : "";
  const clock = stopwatch();
  const proc: Started = start(...g.wrap("/bin/sh", ["-c", `${shm}exec "${process.execPath}" --max-old-space-size=${heapMiB} -e '${script}'`]));
  const code = await new Promise<number | string>((r) => proc.proc.once("exit", (c, s) => r(s ?? c ?? -1)));
  const seconds = clock();
  const oomKills = g.oomKills();
  rmSync(shmDir, { recursive: true, force: true });
  await g.destroy();
  const problems = code === 0 && proc.output().includes("heap filled") ? [] : [`the process ended with ${code}: ${proc.output().slice(-300).trim()}`];
  return {
    ...base(w),
    settings: { "max-old-space-size": heapMiB, shm_bytes: shmBytes },
    load: `a Node heap filled to ${HEAP_FILL * 100}% of ${heapMiB} MiB beside ${Math.floor(shmBytes / MiB)} MiB written to a memory-backed /dev/shm (no Chromium sessions)`,
    seconds,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured: {},
  };
}
