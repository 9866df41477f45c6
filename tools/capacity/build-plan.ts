// The capacity plan as data: built from the objects the program registered (tuning is read from them,
// never recomputed), with the same reservation math as the policy pack. report.ts renders it.
import { DOCKER_IMAGE_TYPE, placeholderDigest } from "../harness/offline";
import { ANNOTATION } from "../../model/annotations";
import { descriptorOf } from "../../components/registry";
import { type Amount, type Budget, budgetFromAnnotations, BUDGET_QUOTA_NAME, chooseBudget } from "../../model/budget";
import { pack, type Packing } from "../../model/packing";
import { type Totals, totals, workloadsFrom } from "../../model/reservations";
import { type K8sObject } from "../../model/k8s";

export interface Violation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
  resource: string;
  message: string;
}

export interface PlanWorkload {
  name: string;
  component: string;
  kind: string;
  replicas: number;
  maxReplicas: number;
  /** The autoscaler that sets the range, `HorizontalPodAutoscaler/<name>` or `ScaledObject/<name>`. */
  scaler?: string;
  podRequests: Amount;
  podLimits: Amount;
  tuning: Record<string, unknown>;
}

/** Where the app image comes from; a build spec is never run offline. */
export type AppImageReport =
  | { source: "pinned"; refs: string[] }
  | { source: "build"; built: false; note: string; targets: { target: string; imageName: string; placeholder: string }[] };

export interface Plan {
  stack: string;
  appImage?: AppImageReport;
  budget: Budget;
  workloads: PlanWorkload[];
  totals: Totals;
  packing: Packing;
  violations: Violation[];
  policies: { evaluated: boolean; note?: string; pack?: { name: string; version: string }; results?: PolicyResult[] };
}

/** One policy of the pack and how many violations it reported. */
export interface PolicyResult {
  name: string;
  enforcementLevel: Violation["enforcementLevel"];
  violations: number;
}

/** What the policy pack said, as plan shows it. */
export interface PolicySummary {
  pack: { name: string; version: string };
  results: PolicyResult[];
  violations: Violation[];
}

export class PlanError extends Error {}


/** The app image as the program registered it: docker builds (not run offline) or the pinned references. */
export function appImageReport(resources: readonly { type: string; inputs: K8sObject }[]): AppImageReport {
  const builds = resources.filter((r) => r.type === DOCKER_IMAGE_TYPE);
  if (builds.length > 0) {
    return {
      source: "build",
      built: false,
      note: "build spec, not built offline: workloads show a placeholder digest of zeros",
      targets: builds.map((r) => {
        const imageName = String(r.inputs.imageName);
        return { target: String((r.inputs.build as { target?: unknown } | undefined)?.target ?? ""), imageName, placeholder: placeholderDigest(imageName) };
      }),
    };
  }
  const refs = new Set<string>();
  for (const r of resources) {
    const o = r.inputs;
    if (o.kind !== "Deployment" || !descriptorOf(o.metadata?.annotations?.[ANNOTATION.component])?.runsAppImage) continue;
    for (const c of o.spec?.template?.spec?.containers ?? []) if (typeof c.image === "string") refs.add(c.image);
  }
  return { source: "pinned", refs: [...refs].sort() };
}

/**
 * `pin` is what the policy config pins, which the pack checks against (model/budget's chooseBudget). A
 * pin the pack rejects is among the violations; the plan then shows the program's own budget.
 */
export function buildPlan(
  stack: string,
  objects: readonly K8sObject[],
  policies: PolicySummary | undefined,
  opts: { note?: string; pin?: Budget | string; appImage?: AppImageReport } = {},
): Plan {
  const quota = objects.find((o) => o.kind === "ResourceQuota" && o.metadata?.name === BUDGET_QUOTA_NAME);
  const chosen = chooseBudget(typeof opts.pin === "string" ? undefined : opts.pin, budgetFromAnnotations(quota?.metadata?.annotations));
  if (!chosen || "error" in chosen) throw new PlanError(`cannot read the node budget: ${chosen?.error ?? "no budget"}`);
  const budget = chosen.budget;
  const ws = workloadsFrom(objects, budget.nodes);
  return {
    stack,
    ...(opts.appImage ? { appImage: opts.appImage } : {}),
    budget,
    workloads: ws.map((w) => ({
      name: w.name,
      component: w.component,
      kind: w.kind,
      replicas: w.replicas,
      maxReplicas: w.maxReplicas,
      ...(w.scaledBy ? { scaler: w.scaledBy } : {}),
      podRequests: w.podRequests,
      podLimits: w.podLimits,
      tuning: w.tuning,
    })),
    totals: totals(ws),
    packing: pack(ws, budget),
    violations: policies?.violations ?? [],
    policies: policies
      ? { evaluated: true, pack: policies.pack, results: policies.results }
      : { evaluated: false, ...(opts.note ? { note: opts.note } : {}) },
  };
}
