// Postgres' shared_buffers lives inside the container's memory limit next to work_mem per sort, the
// maintenance memory and every connection; above 40% of the limit little is left for those.
import { componentOf, describeObject, mainContainer, memoryLimit, isWorkload } from "../model/k8s";
import { showMemory } from "../model/quantity";
import { readPgMemory } from "../model/native-units";
import { resourcePolicy } from "./lib/policy";
import { tuningOf } from "./lib/tuning";
import { COMPONENT } from "../model/annotations";

/** Postgres' own default when the component does not set it. */
export const DEFAULT_SHARED_BUFFERS = "128MB";

export const configureSharedBuffers = resourcePolicy({
  name: "rightsize-configure-shared-buffers",
  description: "Postgres shared_buffers is at most 40% of the container's memory limit.",
  enforcementLevel: "advisory",
  applies: (o) => isWorkload(o) && componentOf(o) === COMPONENT.postgres,
  check: (o) => {
    const t = tuningOf(o);
    if ("error" in t) return [t.error];
    const d = describeObject(o);
    const raw = t.tuning.shared_buffers ?? DEFAULT_SHARED_BUFFERS;
    const sb = readPgMemory(raw);
    if (!sb.ok) return [`${d}: shared_buffers ${sb.error}`];
    const main = mainContainer(o, ["postgres"]);
    const limit = main ? memoryLimit(main.c) : undefined;
    if (!main || limit === undefined) return [`${d}: ${main?.label ?? "the pod"} has no memory limit to size shared_buffers against`];
    if (sb.bytes * 5 <= limit * 2) return [];
    return [
      `${d}: ${main.label}: shared_buffers ${typeof raw === "string" ? raw : JSON.stringify(raw)} (${showMemory(sb.bytes)}) is more than 40% of the memory limit ` +
        `${showMemory(limit)} (${showMemory((limit * 2) / 5)}); work_mem, maintenance_work_mem and connections need the rest`,
    ];
  },
});
