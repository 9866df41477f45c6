// rightsize-configure-shared-buffers: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, setTuning } from "./fixtures";

/** 20 connections and 16MB maintenance_work_mem: a 1GB shared_buffers still fits 1536Mi, so only the 40% advisory speaks. */
const SMALL_PG = { work_mem: "1373kB", maintenance_work_mem: "16MB", max_connections: 20, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 };

const cases: Case[] = [
  [
    "Postgres shared_buffers above 40% of the limit",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...SMALL_PG, shared_buffers: "1GB" })),
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres: shared_buffers 1GB (1Gi) is more than 40% of the memory limit 1536Mi (614.40Mi); work_mem, maintenance_work_mem and connections need the rest",
    ),
  ],
  [
    "Postgres shared_buffers as a bare number of 8kB blocks",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...SMALL_PG, shared_buffers: 131072 })),
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres: shared_buffers 131072 (1Gi) is more than 40% of the memory limit 1536Mi (614.40Mi); work_mem, maintenance_work_mem and connections need the rest",
    ),
  ],
  [
    "Postgres shared_buffers in a unit Postgres rejects",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { shared_buffers: "384mb" })),
    // The mandatory memory fit cannot count an unreadable value either: a violation there too, not a pass.
    one(
      "rightsize-enforce-postgres-memory-fit",
      "mandatory",
      "StatefulSet/postgres",
      'StatefulSet postgres: shared_buffers "384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)',
    ).concat(
      one(
        "rightsize-configure-shared-buffers",
        "advisory",
        "StatefulSet/postgres",
        'StatefulSet postgres: shared_buffers "384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)',
      ),
    ),
  ],
];

describe("rightsize-configure-shared-buffers", () => {
  eachCase(cases);
});
