// rightsize-missing-resources: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, container, main } from "./fixtures";

const cases: Case[] = [
  [
    "a container without a cpu request and a memory limit",
    () =>
      changed("Deployment", "web", (o) => {
        delete main(o).resources.requests.cpu;
        delete main(o).resources.limits.memory;
      }),
    one("rightsize-missing-resources", "advisory", "Deployment/web", "Deployment web: container web sets no requests.cpu, limits.memory"),
  ],
  [
    "an init container with no resources at all",
    () =>
      changed("Deployment", "web", (o) => {
        const { resources: _none, ...bare } = container("migrate", "registry.example.com/rightsize/app:1.0.0", { req: ["1m", "1Mi"], lim: ["1m", "1Mi"] });
        o.spec.template.spec.initContainers = [bare];
      }),
    one("rightsize-missing-resources", "advisory", "Deployment/web", "Deployment web: init container migrate sets no requests.cpu, requests.memory, limits.memory"),
  ],
];

describe("rightsize-missing-resources", () => {
  eachCase(cases);
});
