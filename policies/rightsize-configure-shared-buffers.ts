// Postgres' shared_buffers lives inside the container's memory limit next to work_mem per sort, the
// maintenance memory and every connection; above 40% of the limit little is left for those.
import { mainContainer, memoryLimit } from "../model/k8s";
import { showMemory } from "../model/quantity";
import { readPgMemory } from "../model/native-units";
import { tuningPolicy } from "./lib/policy";
import { COMPONENT } from "../model/annotations";

/** Postgres' own default when the component does not set it. */
export const DEFAULT_SHARED_BUFFERS = "128MB";

export const configureSharedBuffers = tuningPolicy({
  name: "rightsize-configure-shared-buffers",
  description: "Postgres shared_buffers is at most 40% of the container's memory limit.",
  enforcementLevel: "advisory",
  component: COMPONENT.postgres,
  check: (tuning, o) => {
    const raw = tuning.shared_buffers ?? DEFAULT_SHARED_BUFFERS;
    const sb = readPgMemory(raw);
    if (!sb.ok) return [`shared_buffers ${sb.error}`];
    const main = mainContainer(o, ["postgres"]);
    const limit = main ? memoryLimit(main.c) : undefined;
    if (!main || limit === undefined) return [`${main?.label ?? "the pod"} has no memory limit to size shared_buffers against`];
    if (sb.bytes * 5 <= limit * 2) return [];
    return [
      `${main.label}: shared_buffers ${typeof raw === "string" ? raw : JSON.stringify(raw)} (${showMemory(sb.bytes)}) is more than 40% of the memory limit ` +
        `${showMemory(limit)} (${showMemory((limit * 2) / 5)}); work_mem, maintenance_work_mem and connections need the rest`,
    ];
  },
});
