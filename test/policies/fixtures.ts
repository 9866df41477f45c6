// A compliant baseline stack, written as the components write their objects (ANNOTATION conventions in
// components/shared/labels.ts): every policy passes on it, and each test changes one thing.
import { find } from "../helpers/objects";
import { ANNOTATION } from "../../model/annotations";
import { budgetAnnotations, BUDGET_QUOTA_NAME, makeBudget } from "../../model/budget";
import type { K8sObject } from "../../model/k8s";
import type { Bytes, Millicores } from "../../model/units";

export const NS = "rightsize-test";
const Mi = 1024 * 1024;

export interface Sizes {
  req: [string, string];
  lim: [string, string];
}

export function container(name: string, image: string, s: Sizes, extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    name,
    image,
    resources: { requests: { cpu: s.req[0], memory: s.req[1] }, limits: { cpu: s.lim[0], memory: s.lim[1] } },
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    ...extra,
  };
}

const httpProbe = (path: string, port: string | number) => ({ httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
const tcpProbe = (port: number | string) => ({ tcpSocket: { port }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 });
const execProbe = (...command: string[]) => ({ exec: { command }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });

interface WorkloadOpts {
  kind?: "Deployment" | "StatefulSet";
  replicas?: number;
  component: string;
  role?: string;
  tuning?: Record<string, unknown>;
  containers: Record<string, any>[];
  volumes?: Record<string, any>[];
  strategy?: Record<string, unknown>;
}

export function workload(name: string, o: WorkloadOpts): K8sObject {
  const selector = { "app.kubernetes.io/name": o.component, "app.kubernetes.io/instance": name };
  const annotations: Record<string, string> = { [ANNOTATION.component]: o.component };
  if (o.tuning) annotations[ANNOTATION.tuning] = JSON.stringify(o.tuning);
  if (o.role) annotations[ANNOTATION.role] = o.role;
  const kind = o.kind ?? "Deployment";
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace: NS, labels: { ...selector, "app.kubernetes.io/part-of": "rightsize" }, annotations },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: selector },
      ...(kind === "StatefulSet" ? { serviceName: name } : { strategy: o.strategy ?? { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
      template: {
        metadata: { labels: { ...selector, "rightsize.io/app-client": "true" } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
          automountServiceAccountToken: false,
          containers: o.containers,
          ...(o.volumes ? { volumes: o.volumes } : {}),
        },
      },
    },
  };
}

export type UserKind = "Job" | "CronJob" | "DaemonSet" | "Pod";

/**
 * A compliant workload of a kind rightsize does not render, as a user adds one beside the stack (a report
 * CronJob, a node agent): the same pod defaults, no rightsize annotations. Its one container is `main`.
 */
export function userWorkload(kind: UserKind, name: string): K8sObject {
  const labels = { "app.kubernetes.io/name": name };
  const spec = {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    automountServiceAccountToken: false,
    ...(kind === "DaemonSet" || kind === "Pod" ? {} : { restartPolicy: "Never" }),
    containers: [container("main", "registry.example.com/tools/report:2.1.0", { req: ["50m", "64Mi"], lim: ["200m", "128Mi"] })],
  };
  const template = { metadata: { labels }, spec };
  const metadata = { name, namespace: NS, labels };
  switch (kind) {
    case "Pod":
      return { apiVersion: "v1", kind, metadata, spec };
    case "Job":
      return { apiVersion: "batch/v1", kind, metadata, spec: { template } };
    case "CronJob":
      return { apiVersion: "batch/v1", kind, metadata, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } } } };
    case "DaemonSet":
      return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: labels }, template } };
  }
}

/** The baseline plus a user's workload of another kind, edited: `edit(podSpec, its container)`. */
export function withUser(kind: UserKind, name: string, edit: (spec: any, c: any) => void): K8sObject[] {
  const o = userWorkload(kind, name);
  const spec = kind === "Pod" ? o.spec : kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  edit(spec, spec.containers[0]);
  return [...baseline(), o];
}

export function service(name: string, component: string, port: number): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS },
    spec: { selector: { "app.kubernetes.io/name": component, "app.kubernetes.io/instance": name }, ports: [{ port, targetPort: port }] },
  };
}

export function pdb(name: string, component: string): K8sObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace: NS },
    spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": component, "app.kubernetes.io/instance": name } } },
  };
}

/** The platform's namespace-wide default deny: every pod is selected, no ingress allowed. */
export function defaultDeny(): K8sObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny-ingress", namespace: NS },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  };
}

export function hpa(target: string, min: number, max: number): K8sObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: target, namespace: NS },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas: min, maxReplicas: max },
  };
}

/** A KEDA ScaledObject on a Deployment, as the Celery component renders one (triggers abridged). */
export function scaledObject(target: string, min: number | undefined, max: number | undefined): K8sObject {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: target, namespace: NS },
    spec: {
      scaleTargetRef: { name: target },
      ...(min === undefined ? {} : { minReplicaCount: min }),
      ...(max === undefined ? {} : { maxReplicaCount: max }),
      triggers: [{ type: "redis", metadata: { listName: target, listLength: "4" } }],
    },
  };
}

export interface QuotaBudget {
  nodes: number;
  cpu: number;
  memoryMi: number;
  reservedCpu: number;
  reservedMi: number;
  maxPods?: number;
}

export function quota(b: QuotaBudget): K8sObject {
  const budget = makeBudget({
    nodes: b.nodes,
    maxPods: b.maxPods ?? 110,
    perNode: { cpuMillis: b.cpu as Millicores, memoryBytes: (b.memoryMi * Mi) as Bytes },
    reservedPerNode: { cpuMillis: b.reservedCpu as Millicores, memoryBytes: (b.reservedMi * Mi) as Bytes },
  });
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: BUDGET_QUOTA_NAME, namespace: NS, annotations: budgetAnnotations(budget) }, spec: { hard: {} } };
}

/** dev's budget: one node of 8 CPU / 16Gi, with the dev stack's reserve. */
export const DEV_BUDGET: QuotaBudget = { nodes: 1, cpu: 8000, memoryMi: 16384, reservedCpu: 500, reservedMi: 1536 };

/** Every workload the platform runs, compliant with every policy. Fresh objects on each call. */
export function baseline(): K8sObject[] {
  const app = "registry.example.com/rightsize/app:1.0.0";
  return [
    quota(DEV_BUDGET),
    defaultDeny(),
    workload("web", {
      replicas: 2,
      component: "web",
      tuning: { workers: 2, timeout: 120 },
      containers: [container("web", app, { req: ["100m", "256Mi"], lim: ["500m", "512Mi"] }, { readinessProbe: httpProbe("/api/health", "http"), livenessProbe: httpProbe("/livez", "http") })],
    }),
    service("web", "web", 80),
    pdb("web", "web"),
    workload("postgres", {
      kind: "StatefulSet",
      component: "postgres",
      // As rendered for 1536Mi at 80 connections (components/postgres/tuning.ts).
      tuning: { shared_buffers: "384MB", work_mem: "1373kB", maintenance_work_mem: "96MB", max_connections: 80, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 },
      containers: [container("postgres", "postgres:15.6", { req: ["1", "1536Mi"], lim: ["2", "1536Mi"] }, { readinessProbe: execProbe("pg_isready"), livenessProbe: tcpProbe(5432) })],
    }),
    service("postgres", "postgres", 5432),
    workload("redis-broker", {
      kind: "StatefulSet",
      component: "redis",
      role: "broker",
      tuning: { maxmemory: "192mb", "maxmemory-policy": "noeviction" },
      containers: [container("redis", "redis:7.0.15", { req: ["250m", "256Mi"], lim: ["1", "512Mi"] }, { readinessProbe: execProbe("redis-cli", "ping"), livenessProbe: tcpProbe(6379) })],
    }),
    service("redis-broker", "redis", 6379),
    workload("celery-worker", {
      component: "celery-worker",
      tuning: { worker_concurrency: 4, worker_max_memory_per_child: 307200, task_time_limit: 3600, task_soft_time_limit: 3300, visibility_timeout: 4200 },
      containers: [container("worker", app, { req: ["1", "1Gi"], lim: ["2500m", "2Gi"] }, { command: ["celery", "--app", "app", "worker"], livenessProbe: execProbe("celery-probe", "liveness") })],
    }),
    workload("celery-beat", {
      component: "celery-beat",
      strategy: { type: "Recreate" },
      containers: [container("beat", app, { req: ["50m", "128Mi"], lim: ["500m", "256Mi"] }, { command: ["celery", "--app", "app", "beat"], livenessProbe: execProbe("celery-probe", "beat") })],
    }),
    workload("playwright", {
      component: "playwright",
      tuning: {},
      containers: [
        container("chromium", "mcr.microsoft.com/playwright:v1.45.0-jammy", { req: ["1", "1536Mi"], lim: ["2", "3Gi"] }, {
          readinessProbe: httpProbe("/json/version", 3000),
          livenessProbe: tcpProbe(3000),
          volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
        }),
      ],
      volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } }],
    }),
    service("playwright", "playwright", 3000),
  ];
}

export { find };

/** The baseline with one object changed in place. */
export function changed(kind: string, name: string, edit: (o: any) => void): K8sObject[] {
  const objects = baseline();
  edit(find(objects, kind, name));
  return objects;
}

/** The first app container of a workload. */
export const main = (o: any): any => o.spec.template.spec.containers[0];

export function setTuning(o: any, tuning: Record<string, unknown>): void {
  o.metadata.annotations[ANNOTATION.tuning] = JSON.stringify(tuning);
}
