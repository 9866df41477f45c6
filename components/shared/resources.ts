import type { Resources } from "../../config/schema/common";
import { formatCpu, formatMemory } from "../../model/quantity";

export interface K8sResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Typed resources -> the Kubernetes strings, at the edge. */
export function containerResources(r: Resources): K8sResources {
  return {
    requests: { cpu: formatCpu(r.requests.cpu), memory: formatMemory(r.requests.memory) },
    limits: { cpu: formatCpu(r.limits.cpu), memory: formatMemory(r.limits.memory) },
  };
}
