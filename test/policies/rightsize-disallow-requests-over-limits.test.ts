// rightsize-disallow-requests-over-limits: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, main } from "./fixtures";

const cases: Case[] = [
  [
    "a memory request above the limit",
    () => changed("Deployment", "web", (o) => (main(o).resources.requests.memory = "1Gi")),
    one("rightsize-disallow-requests-over-limits", "advisory", "Deployment/web", "Deployment web: container web requests.memory 1Gi is larger than limits.memory 512Mi"),
  ],
];

describe("rightsize-disallow-requests-over-limits", () => {
  eachCase(cases);
});
