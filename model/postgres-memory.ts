// The Postgres committed-memory rule, defined once: the component derives work_mem with it and checks the
// stack config with it, and the policy checks the rendered settings with it.
// Measured on Postgres 15 in a memory cgroup (npm run limits; README "Proof in the real limit"): a busy
// backend's private memory is its own (catalog caches, plans, buffers: 2.0 MiB on the test schema) plus
// 3.9 x work_mem on a hash join + hash aggregate + sort.
import { type Bytes, bytes, mebibytes } from "./units";

/** Postgres' default autovacuum_max_workers; each may hold maintenance_work_mem at once. */
export const AUTOVACUUM_MAX_WORKERS = 3;
/** work_mem-sized allocations a busy backend holds at once (3.9 measured). */
export const WORK_MEM_PER_BACKEND = 4;
/** postgres.backendMemory when the config does not say: 2.0 MiB measured, rounded up for a larger catalog. */
export const DEFAULT_BACKEND_MEMORY: Bytes = mebibytes(3);
/** Postgres' default max_worker_processes. */
export const DEFAULT_WORKER_PROCESSES = 8;

export interface PostgresMemory {
  sharedBuffers: Bytes;
  /** The memory-backed /dev/shm (parallel query's dynamic shared memory). */
  shm: Bytes;
  maintenanceWorkMem: Bytes;
  workMem: Bytes;
  backendMemory: Bytes;
  maxConnections: number;
  workerProcesses: number;
}

/** One busy backend's private memory: its own + its work_mem allocations. */
export function backendCost(m: Pick<PostgresMemory, "backendMemory" | "workMem">): Bytes {
  return bytes(m.backendMemory + WORK_MEM_PER_BACKEND * m.workMem);
}

/** What the server can hold at once: shared memory, /dev/shm, autovacuum, and every backend busy. */
export function committedMemory(m: PostgresMemory): Bytes {
  return bytes(m.sharedBuffers + m.shm + AUTOVACUUM_MAX_WORKERS * m.maintenanceWorkMem + (m.maxConnections + m.workerProcesses) * backendCost(m));
}

/**
 * The most connections whose committed memory fits `limit` at these settings: the same rule solved for
 * max_connections. committedMemory is linear in it, so its value at 0 connections is the fixed part
 * (shared memory, autovacuum, worker processes) and each connection adds one backendCost.
 */
export function connectionsThatFit(m: Omit<PostgresMemory, "maxConnections">, limit: Bytes): number {
  const fixed = committedMemory({ ...m, maxConnections: 0 });
  return Math.max(0, Math.floor((limit - fixed) / backendCost(m)));
}
