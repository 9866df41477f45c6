// Every container, init containers and sidecars included, sets requests (cpu, memory) and a memory
// limit: without requests the scheduler reserves nothing for it, without a memory limit nothing stops
// it from taking the node's memory.
import { containersOf, describeObject, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

const REQUIRED = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

export const missingResources = resourcePolicy({
  name: "rightsize-missing-resources",
  description: "Every container, init containers included, sets requests.cpu, requests.memory and limits.memory.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) => {
      const missing = REQUIRED.filter(([k, r]) => c?.resources?.[k]?.[r] === undefined).map(([k, r]) => `${k}.${r}`);
      return missing.length > 0 ? [`${describeObject(o)}: ${label} sets no ${missing.join(", ")}`] : [];
    }),
});
