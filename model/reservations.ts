// Pod reservation math, following the scheduler's rule, over plain Kubernetes objects. Pure: the policy
// pack, the plan report and the tests all call this one implementation.
import { toBytes, toMillicores } from "./quantity";
import { ANNOTATION, readTuning } from "./annotations";
import { type Amount, add, amount, scale, ZERO } from "./budget";
import { mostReplicas, surgePods } from "./rollout";
import { isWorkload, type K8sObject, podTemplateOf, type WorkloadKind } from "./k8s";

interface Container {
  name?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  restartPolicy?: string;
}

function quantityOr0(v: unknown, convert: (s: string) => number): number {
  return typeof v === "string" || typeof v === "number" ? convert(String(v)) : 0;
}

/** A container's requests; a missing request defaults to its limit, as the API server does. */
export function containerRequests(c: Container): Amount {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  return amount(quantityOr0(req.cpu ?? lim.cpu, toMillicores), quantityOr0(req.memory ?? lim.memory, toBytes));
}

export function containerLimits(c: Container): Amount {
  const lim = c.resources?.limits ?? {};
  return amount(quantityOr0(lim.cpu, toMillicores), quantityOr0(lim.memory, toBytes));
}

function max(a: Amount, b: Amount): Amount {
  return amount(Math.max(a.cpuMillis, b.cpuMillis), Math.max(a.memoryBytes, b.memoryBytes));
}

/**
 * The scheduler's effective request: the larger of the app containers' sum (plus sidecars) and each init
 * container in turn (plus the sidecars started before it), plus pod overhead.
 */
function effective(podSpec: any, per: (c: Container) => Amount): Amount {
  const inits: Container[] = podSpec?.initContainers ?? [];
  const apps: Container[] = podSpec?.containers ?? [];
  let sidecars = ZERO;
  let initPeak = ZERO;
  for (const c of inits) {
    if (c.restartPolicy === "Always") {
      sidecars = add(sidecars, per(c));
      initPeak = max(initPeak, sidecars);
    } else {
      initPeak = max(initPeak, add(sidecars, per(c)));
    }
  }
  const appSum = apps.reduce((s, c) => add(s, per(c)), sidecars);
  const overhead = podSpec?.overhead ?? {};
  const oh = amount(quantityOr0(overhead.cpu, toMillicores), quantityOr0(overhead.memory, toBytes));
  return add(max(initPeak, appSum), oh);
}

export const podRequests = (podSpec: unknown): Amount => effective(podSpec, containerRequests);
export const podLimits = (podSpec: unknown): Amount => effective(podSpec, containerLimits);

export interface Workload {
  name: string;
  namespace?: string;
  kind: WorkloadKind;
  component: string;
  /** Desired replicas (the HPA's minimum when an HPA owns the count). */
  replicas: number;
  /** The most replicas it can run at rest: max(replicas, HPA maxReplicas); nodes for a DaemonSet. */
  maxReplicas: number;
  /** The autoscaler that sets maxReplicas, as `Kind/name`. */
  scaledBy?: string;
  podRequests: Amount;
  podLimits: Amount;
  /** Extra pods during a rolling update. */
  surgePods: number;
  /** Pods of this workload may not share a node (required anti-affinity on the hostname). */
  spreadRequired: boolean;
  tuning: Record<string, unknown>;
  object: K8sObject;
}

function requiresSpread(template: any): boolean {
  const terms = template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.some((t: any) => t?.topologyKey === "kubernetes.io/hostname");
}

function parseTuning(o: K8sObject): Record<string, unknown> {
  const r = readTuning(o);
  return r.ok ? r.tuning : {};
}

/** Autoscaler bounds by target: `Kind/namespace/name` -> {min, max, the autoscaler as `Kind/name`}. */
export type HpaIndex = Map<string, { min: number; max: number; by: string }>;

/** An HPA, or a KEDA ScaledObject (which makes its own HPA in the cluster, not in the stack). */
export const isScaler = (o: K8sObject): boolean =>
  o.kind === "HorizontalPodAutoscaler" || (o.kind === "ScaledObject" && String(o.apiVersion ?? "").startsWith("keda.sh/"));

/**
 * Adds one object to the index when it is an autoscaler with a target. Unset bounds take the API's
 * defaults: an HPA's minReplicas 1; a ScaledObject's minReplicaCount 0, maxReplicaCount 100, and its
 * target kind Deployment. Of two autoscalers on one target, the one with the larger max counts.
 */
export function addHpa(index: HpaIndex, o: K8sObject): void {
  if (!isScaler(o)) return;
  const ref = o.spec?.scaleTargetRef;
  if (!ref?.name) return;
  const keda = o.kind === "ScaledObject";
  const min: number = keda ? (o.spec?.minReplicaCount ?? 0) : (o.spec?.minReplicas ?? 1);
  const max: number = keda ? (o.spec?.maxReplicaCount ?? 100) : (o.spec?.maxReplicas ?? 1);
  const key = `${ref.kind ?? "Deployment"}/${o.metadata?.namespace ?? ""}/${ref.name}`;
  if ((index.get(key)?.max ?? -1) >= max) return;
  index.set(key, { min, max, by: `${o.kind}/${o.metadata?.name ?? "(unnamed)"}` });
}

/** The autoscaler bounds that apply to a workload, keyed as `addHpa` keys them; undefined when none scales it. */
export const hpaOf = (index: HpaIndex, o: K8sObject) => index.get(`${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? "(unnamed)"}`);

/** One workload object with its HPA applied; DaemonSets count once per node. */
export function workloadOf(o: K8sObject, nodes: number, hpas: HpaIndex): Workload {
  const kind = o.kind as WorkloadKind;
  const name = o.metadata?.name ?? "(unnamed)";
  const hpa = hpaOf(hpas, o);
  let replicas: number;
  if (kind === "DaemonSet") replicas = nodes;
  else if (kind === "Pod") replicas = 1;
  else if (kind === "Job" || kind === "CronJob") {
    const spec = kind === "CronJob" ? o.spec?.jobTemplate?.spec : o.spec;
    replicas = spec?.parallelism ?? 1;
  } else replicas = o.spec?.replicas ?? hpa?.min ?? 1;
  const maxReplicas = mostReplicas(replicas, hpa?.max);
  const template = podTemplateOf(o);
  return {
    name,
    namespace: o.metadata?.namespace,
    kind,
    component: o.metadata?.annotations?.[ANNOTATION.component] ?? kind.toLowerCase(),
    replicas,
    maxReplicas,
    ...(hpa && hpa.max >= replicas ? { scaledBy: hpa.by } : {}),
    podRequests: podRequests(template?.spec),
    podLimits: podLimits(template?.spec),
    surgePods: surgePods(o, maxReplicas),
    spreadRequired: requiresSpread(template),
    tuning: parseTuning(o),
    object: o,
  };
}

/**
 * Every workload among the objects, with its HPA or ScaledObject applied and DaemonSets counted once per node.
 * `attempt` wraps each object's read, so the policy pack can skip (and name) an object whose values are
 * unknown at preview; it is given the object's index.
 */
export function workloadsFrom(objects: readonly K8sObject[], nodes: number, attempt: (read: () => void, index: number) => void = (read) => read()): Workload[] {
  const hpas: HpaIndex = new Map();
  objects.forEach((o, i) => {
    if (isScaler(o)) attempt(() => addHpa(hpas, o), i);
  });
  const out: Workload[] = [];
  objects.forEach((o, i) => {
    if (isWorkload(o)) attempt(() => out.push(workloadOf(o, nodes, hpas)), i);
  });
  return out;
}

export interface Totals {
  /** Sum of pod requests at max replicas. */
  requests: Amount;
  limits: Amount;
  /** Requests plus every Deployment's surge, since `pulumi up` rolls them in parallel. */
  rolloutPeak: Amount;
}

export function totals(ws: readonly Workload[]): Totals {
  let requests = ZERO;
  let limits = ZERO;
  let surge = ZERO;
  for (const w of ws) {
    requests = add(requests, scale(w.podRequests, w.maxReplicas));
    limits = add(limits, scale(w.podLimits, w.maxReplicas));
    surge = add(surge, scale(w.podRequests, w.surgePods));
  }
  return { requests, limits, rolloutPeak: add(requests, surge) };
}
