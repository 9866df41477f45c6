// rightsize-enforce-memory-emptydir-size: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed } from "./fixtures";

const cases: Case[] = [
  [
    "a memory-backed emptyDir without a sizeLimit",
    () => changed("Deployment", "playwright", (o) => delete o.spec.template.spec.volumes[0].emptyDir.sizeLimit),
    one(
      "rightsize-enforce-memory-emptydir-size",
      "advisory",
      "Deployment/playwright",
      "Deployment playwright: memory-backed emptyDir dshm has no sizeLimit; it counts against the pod's memory limit 3Gi and can fill it",
    ),
  ],
  [
    "a memory-backed emptyDir larger than the pod's memory limit",
    () => changed("Deployment", "playwright", (o) => (o.spec.template.spec.volumes[0].emptyDir.sizeLimit = "4Gi")),
    one("rightsize-enforce-memory-emptydir-size", "advisory", "Deployment/playwright", "Deployment playwright: memory-backed emptyDir dshm sizeLimit 4Gi exceeds the pod's memory limit 3Gi"),
  ],
];

describe("rightsize-enforce-memory-emptydir-size", () => {
  eachCase(cases);
});
