// A fresh memory cgroup per workload, as the kubelet and containerd enforce `resources.limits.memory`:
// cgroup v1 (memory.limit_in_bytes, memory.oom_control's oom_kill line, cpu.cfs_quota_us) or v2
// (memory.max, memory.events' oom_kill line, cpu.max). Processes start inside it from their first
// instruction (`sh -c 'echo $$ > cgroup.procs; exec ...'`), and destroy() kills what is in cgroup.procs
// and removes the group. Names carry the creating process' pid, so groups of a run that died are found
// and removed by the next one.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PREFIX = "rightsize-limits-";
const ROOT = "/sys/fs/cgroup";

/** Why cgroups cannot be used here, naming the path, the errno and what would fix it. */
export class CgroupError extends Error {}

export interface Hierarchy {
  readonly version: 1 | 2;
  /** Where groups with a memory limit are made. */
  readonly memory: string;
  /** Where groups with a CPU quota are made (the same folder on v2). */
  readonly cpu: string;
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(e);
}

/** Which cgroup version is mounted, and whether this process may make groups in it. */
export function detectHierarchy(root = ROOT): Hierarchy {
  if (existsSync(join(root, "cgroup.controllers"))) {
    const controllers = readFileSync(join(root, "cgroup.controllers"), "utf8").trim().split(/\s+/);
    if (!controllers.includes("memory")) throw new CgroupError(`cgroup v2 at ${root} has no memory controller (cgroup.controllers: ${controllers.join(" ")})`);
    // The children of root only get the controllers root's subtree_control enables.
    const sub = join(root, "cgroup.subtree_control");
    try {
      const on = readFileSync(sub, "utf8").trim().split(/\s+/);
      const want = ["memory", ...(controllers.includes("cpu") ? ["cpu"] : [])].filter((c) => !on.includes(c));
      if (want.length > 0) writeFileSync(sub, want.map((c) => `+${c}`).join(" "));
    } catch (e) {
      throw new CgroupError(`cannot enable the memory controller in ${sub} (${errText(e)}); run as root, or where the cgroup is delegated to this user`);
    }
    return { version: 2, memory: root, cpu: root };
  }
  const memory = join(root, "memory");
  if (!existsSync(join(memory, "memory.limit_in_bytes"))) {
    throw new CgroupError(`no memory cgroup: neither ${join(root, "cgroup.controllers")} (v2) nor ${join(memory, "memory.limit_in_bytes")} (v1) exists (ENOENT); mount cgroup2 at ${root}, or the v1 memory controller`);
  }
  const cpu = existsSync(join(root, "cpu", "cpu.cfs_quota_us")) ? join(root, "cpu") : join(root, "cpu,cpuacct");
  return { version: 1, memory, cpu };
}

export interface CgroupOptions {
  /** The memory limit in bytes, as resources.limits.memory. */
  readonly memory: number;
  /** The CPU limit in millicores (a CFS quota per 100 ms period); none when absent. */
  readonly cpuMillis?: number;
  /** A word for the name, so a leftover group says what it was (`redis-broker`). */
  readonly label?: string;
}

let counter = 0;
const PERIOD_US = 100_000;

function write(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw new CgroupError(`cannot write ${JSON.stringify(value)} to ${path} (${errText(e)})`);
  }
}

function statLine(path: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, "m").exec(readFileSync(path, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export class Cgroup {
  readonly name: string;
  readonly memoryPath: string;
  readonly cpuPath?: string;
  private destroyed = false;

  private constructor(
    readonly hierarchy: Hierarchy,
    readonly options: CgroupOptions,
  ) {
    const label = (options.label ?? "group").replace(/[^a-z0-9-]/gi, "-").slice(0, 40);
    this.name = `${PREFIX}${process.pid}-${++counter}-${label}`;
    this.memoryPath = join(hierarchy.memory, this.name);
    if (options.cpuMillis !== undefined && hierarchy.version === 1) this.cpuPath = join(hierarchy.cpu, this.name);
  }

  /** Makes the group with its limits; throws a CgroupError naming the path and errno when it cannot. */
  static create(options: CgroupOptions, hierarchy = detectHierarchy()): Cgroup {
    removeStaleGroups(hierarchy);
    const g = new Cgroup(hierarchy, options);
    for (const dir of [g.memoryPath, g.cpuPath]) {
      if (!dir) continue;
      try {
        mkdirSync(dir);
      } catch (e) {
        throw new CgroupError(`cannot create the cgroup ${dir} (${errText(e)}); the limits test needs root, or a cgroup delegated to this user`);
      }
    }
    const m = String(Math.floor(options.memory));
    if (hierarchy.version === 1) {
      write(join(g.memoryPath, "memory.limit_in_bytes"), m);
      // No swap: a pod's container has none, so the limit is the memory it can use.
      if (existsSync(join(g.memoryPath, "memory.memsw.limit_in_bytes"))) write(join(g.memoryPath, "memory.memsw.limit_in_bytes"), m);
      write(join(g.memoryPath, "memory.swappiness"), "0");
      if (g.cpuPath) {
        write(join(g.cpuPath, "cpu.cfs_period_us"), String(PERIOD_US));
        write(join(g.cpuPath, "cpu.cfs_quota_us"), String(Math.max(1000, Math.round((options.cpuMillis! * PERIOD_US) / 1000))));
      }
    } else {
      write(join(g.memoryPath, "memory.max"), m);
      if (existsSync(join(g.memoryPath, "memory.swap.max"))) write(join(g.memoryPath, "memory.swap.max"), "0");
      // As the kubelet sets it from Kubernetes 1.28: an OOM kill takes the whole container.
      if (existsSync(join(g.memoryPath, "memory.oom.group"))) write(join(g.memoryPath, "memory.oom.group"), "1");
      if (options.cpuMillis !== undefined && existsSync(join(g.memoryPath, "cpu.max"))) {
        write(join(g.memoryPath, "cpu.max"), `${Math.max(1000, Math.round((options.cpuMillis * PERIOD_US) / 1000))} ${PERIOD_US}`);
      }
    }
    return g;
  }

  /** The command wrapped so that it, and every process it starts, runs inside this group from the start. */
  wrap(cmd: string, args: readonly string[]): [string, string[]] {
    return ["/bin/sh", ["-c", `${this.enter()} && exec "$0" "$@"`, cmd, ...args]];
  }

  /** A shell command that moves the shell running it ($$) into this group, for wrappers that exec a binary. */
  enter(): string {
    return [this.memoryPath, this.cpuPath]
      .filter((p): p is string => !!p)
      .map((p) => `echo $$ > ${join(p, "cgroup.procs")}`)
      .join(" && ");
  }

  /** Anonymous and shared (tmpfs) memory charged to the group: processes' heaps and /dev/shm, not page cache. */
  anonAndShmem(): number {
    try {
      const stat = readFileSync(join(this.memoryPath, "memory.stat"), "utf8");
      const keys = this.hierarchy.version === 1 ? ["total_rss", "total_shmem"] : ["anon", "shmem"];
      return keys.reduce((sum, k) => sum + Number(new RegExp(`^${k} (\\d+)$`, "m").exec(stat)?.[1] ?? 0), 0);
    } catch {
      return 0;
    }
  }

  /** Processes the kernel OOM-killed in this group so far. */
  oomKills(): number {
    return this.hierarchy.version === 1 ? statLine(join(this.memoryPath, "memory.oom_control"), "oom_kill") : statLine(join(this.memoryPath, "memory.events"), "oom_kill");
  }

  /** Memory charged to the group now (page cache included: never a pass/fail criterion). */
  usage(): number {
    const f = this.hierarchy.version === 1 ? "memory.usage_in_bytes" : "memory.current";
    try {
      return Number(readFileSync(join(this.memoryPath, f), "utf8").trim());
    } catch {
      return 0;
    }
  }

  pids(): number[] {
    return readPids(this.memoryPath);
  }

  /** Kills every process in the group, waits for them to go, removes the group. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await killAndRemove(this.memoryPath);
    if (this.cpuPath) await killAndRemove(this.cpuPath);
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8").trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function killAndRemove(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (let i = 0; i < 100; i++) {
    const pids = readPids(dir);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < 100; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new CgroupError(`cannot remove the cgroup ${dir}: processes ${readPids(dir).join(", ") || "none"} remain`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes groups of this prefix whose creating process is gone (a run that was killed). Returns their paths. */
export function removeStaleGroups(h: Hierarchy): string[] {
  const removed: string[] = [];
  for (const base of new Set([h.memory, h.cpu])) {
    let entries: string[] = [];
    try {
      entries = readdirSync(base).filter((e) => e.startsWith(PREFIX));
    } catch {
      continue;
    }
    for (const e of entries) {
      const owner = Number(e.slice(PREFIX.length).split("-")[0]);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) continue;
      if (owner === process.pid) continue;
      const dir = join(base, e);
      for (const pid of readPids(dir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      // The killed processes take a moment to leave the group.
      for (let i = 0; i < 200 && !removed.includes(dir); i++) {
        try {
          rmdirSync(dir);
          removed.push(dir);
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
      }
    }
  }
  return removed;
}
