// Postgres holds shared_buffers, the memory-backed /dev/shm, autovacuum's maintenance_work_mem and every
// backend busy at once (its own memory + 4 x work_mem, measured in a real memory cgroup) inside the
// container's limit: past it, the kernel kills a backend and the postmaster resets every connection
// (model/postgres-memory: the rule the component derives work_mem with).
import { COMPONENT, TUNING_KEY } from "../model/annotations";
import { mainContainer, memoryLimit } from "../model/k8s";
import { readPgMemory } from "../model/native-units";
import { AUTOVACUUM_MAX_WORKERS, committedMemory, DEFAULT_BACKEND_MEMORY, DEFAULT_WORKER_PROCESSES, WORK_MEM_PER_BACKEND } from "../model/postgres-memory";
import { showMemory } from "../model/quantity";
import { bytes } from "../model/units";
import { numberSetting } from "./lib/tuning";
import { tuningPolicy } from "./lib/policy";

/** Postgres' own defaults for what the tuning does not set. */
const DEFAULTS = { shared_buffers: "128MB", work_mem: "4MB", maintenance_work_mem: "64MB", max_connections: 100 } as const;

export const enforcePostgresMemoryFit = tuningPolicy({
  name: "rightsize-enforce-postgres-memory-fit",
  description: `Postgres' shared_buffers + /dev/shm + ${AUTOVACUUM_MAX_WORKERS} x maintenance_work_mem + every backend busy (its own memory + ${WORK_MEM_PER_BACKEND} x work_mem) fits its memory limit.`,
  enforcementLevel: "mandatory",
  component: COMPONENT.postgres,
  check: (tuning, o) => {
    const mem = (k: "shared_buffers" | "work_mem" | "maintenance_work_mem") => readPgMemory(tuning[k] ?? DEFAULTS[k]);
    const sb = mem("shared_buffers");
    const wm = mem("work_mem");
    const mwm = mem("maintenance_work_mem");
    const nums = [numberSetting(tuning, "max_connections"), numberSetting(tuning, "max_worker_processes"), numberSetting(tuning, TUNING_KEY.postgresBackendMemory), numberSetting(tuning, TUNING_KEY.postgresShm)];
    const errors = [
      ...(sb.ok ? [] : [`shared_buffers ${sb.error}`]),
      ...(wm.ok ? [] : [`work_mem ${wm.error}`]),
      ...(mwm.ok ? [] : [`maintenance_work_mem ${mwm.error}`]),
      ...nums.filter((v): v is { error: string } => typeof v === "object").map((e) => e.error),
    ];
    if (errors.length > 0 || !sb.ok || !wm.ok || !mwm.ok) return [errors.join("; ")];
    const main = mainContainer(o, ["postgres"]);
    const limit = main ? memoryLimit(main.c) : undefined;
    if (!main || limit === undefined) return [`${main?.label ?? "the pod"} has no memory limit to fit Postgres' memory into`];
    const [mc, w, backend, shm] = nums as (number | undefined)[];
    const m = {
      sharedBuffers: sb.bytes,
      workMem: wm.bytes,
      maintenanceWorkMem: mwm.bytes,
      maxConnections: mc ?? DEFAULTS.max_connections,
      workerProcesses: w ?? DEFAULT_WORKER_PROCESSES,
      backendMemory: backend === undefined ? DEFAULT_BACKEND_MEMORY : bytes(backend),
      shm: bytes(shm ?? 0),
    };
    const committed = committedMemory(m);
    if (committed <= limit) return [];
    return [
      `${main.label}: shared_buffers ${showMemory(m.sharedBuffers)} + /dev/shm ${showMemory(m.shm)} + ${AUTOVACUUM_MAX_WORKERS} x maintenance_work_mem ${showMemory(m.maintenanceWorkMem)} + ` +
        `(${m.maxConnections} connections + ${m.workerProcesses} worker processes) x (backend ${showMemory(m.backendMemory)} + ${WORK_MEM_PER_BACKEND} x work_mem ${showMemory(m.workMem)}) ` +
        `= ${showMemory(committed)} exceeds the memory limit ${showMemory(limit)}; with every connection busy the kernel kills a backend and Postgres resets them all (PgBouncer in front, postgres.pooler, lets fewer server connections serve the app)`,
    ];
  },
});
