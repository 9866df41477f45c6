// rightsize-configure-shared-buffers: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, setTuning } from "./fixtures";

const cases: Case[] = [
  [
    "Postgres shared_buffers above 40% of the limit",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { shared_buffers: "1GB" })),
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres: shared_buffers 1GB (1Gi) is more than 40% of the memory limit 1536Mi (614.40Mi); work_mem, maintenance_work_mem and connections need the rest",
    ),
  ],
  [
    "Postgres shared_buffers as a bare number of 8kB blocks",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { shared_buffers: 131072 })),
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
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      'StatefulSet postgres: shared_buffers "384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)',
    ),
  ],
];

describe("rightsize-configure-shared-buffers", () => {
  eachCase(cases);
});
