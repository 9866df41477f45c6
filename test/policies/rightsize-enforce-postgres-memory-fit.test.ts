// rightsize-enforce-postgres-memory-fit: the rendered Postgres settings, each backend's own memory and the
// memory-backed /dev/shm against the limit, by the committed-memory rule in model/postgres-memory.ts.
import { describe, expect, it } from "vitest";
import { messages } from "../helpers/policy";
import { changed, setTuning } from "./fixtures";

const PG_TUNING = { shared_buffers: "384MB", work_mem: "1373kB", maintenance_work_mem: "96MB", max_connections: 80, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 };
const pg = (tuning: Record<string, unknown>) => changed("StatefulSet", "postgres", (o) => setTuning(o, tuning));

describe("rightsize-enforce-postgres-memory-fit", () => {
  const only = "rightsize-enforce-postgres-memory-fit";

  it("passes what the component renders for 1536Mi at 80 connections", async () => {
    expect(await messages(pg(PG_TUNING), only)).toEqual([]);
  });

  it("rejects work_mem 32MB at 100 connections in 1536Mi, counting each backend's own memory", async () => {
    expect(await messages(pg({ ...PG_TUNING, work_mem: "32MB", max_connections: 100 }), only)).toEqual([
      "StatefulSet postgres: container postgres: shared_buffers 384Mi + /dev/shm 128Mi + 3 x maintenance_work_mem 96Mi + (100 connections + 8 worker processes) x " +
        "(backend 3Mi + 4 x work_mem 32Mi) = 14948Mi exceeds the memory limit 1536Mi; with every connection busy the kernel kills a backend and Postgres resets them all (PgBouncer in front, postgres.pooler, lets fewer server connections serve the app)",
    ]);
  });

  it("counts the backend memory the component declares: 4Mi a backend no longer fits", async () => {
    expect(await messages(pg({ ...PG_TUNING, rightsize_backend_memory: 4 * 1024 * 1024 }), only)).toHaveLength(1);
  });

  it("a Postgres without the tuning annotation is a violation, not a pass", async () => {
    const objects = changed("StatefulSet", "postgres", (o) => delete o.metadata.annotations["rightsize.io/tuning"]);
    expect(await messages(objects, only)).toEqual(["StatefulSet postgres: has no rightsize.io/tuning annotation, so its settings cannot be checked"]);
  });
});
