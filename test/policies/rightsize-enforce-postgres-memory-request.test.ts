// rightsize-enforce-postgres-memory-request: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, main } from "./fixtures";

const cases: Case[] = [
  [
    "a Postgres memory request below its limit",
    () => changed("StatefulSet", "postgres", (o) => (main(o).resources.requests.memory = "1Gi")),
    one(
      "rightsize-enforce-postgres-memory-request",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres requests.memory 1Gi is below limits.memory 1536Mi, which the tuning is sized from; under node pressure the pod is evicted or OOM-killed first. Set the request to the limit",
    ),
  ],
];

describe("rightsize-enforce-postgres-memory-request", () => {
  eachCase(cases);
});
