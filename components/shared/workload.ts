// The workload skeleton every component builds on (as cdk8s-plus' Workload): labels and the immutable
// selector, the identity annotations through which plan, the policy pack and the tools read a workload
// (component kind, tuning, role, config key), and the config hash that rolls the pods when their config
// changes. Pod security defaults (./security) and the rollout rule (model/rollout) complete it.
import { createHash } from "node:crypto";
import { ANNOTATION, type ComponentKind, CONFIG_HASH_ANNOTATION } from "../../model/annotations";
import { rollingUpdate } from "../../model/rollout";
import { type Labels, selectorLabels, standardLabels } from "./labels";
import { podDefaults } from "./security";

export interface WorkloadIdentity {
  readonly name: string;
  readonly namespace: string;
  /** The app.kubernetes.io/name and component label (the component's own word: "redis", an extra's name). */
  readonly label: string;
  /** The rightsize.io/component annotation. */
  readonly kind: ComponentKind;
  /** The stack-config path that owns the workload (components/<x>/descriptor.ts says which). */
  readonly configKey: string;
  /** The derived settings, keyed and valued as the software takes them. */
  readonly tuning: unknown;
  /** What the instance is for, where a component has several (a Redis role, a Celery pool). */
  readonly role?: string;
  /** More annotations on the workload object (Pulumi's await timeout). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface Workload {
  readonly labels: Labels;
  readonly selector: Labels;
  readonly metadata: { name: string; namespace: string; labels: Labels; annotations: Record<string, string> };
}

export function workload(i: WorkloadIdentity): Workload {
  const labels = standardLabels(i.label, i.name);
  return {
    labels,
    selector: selectorLabels(i.label, i.name),
    metadata: {
      name: i.name,
      namespace: i.namespace,
      labels,
      annotations: {
        [ANNOTATION.component]: i.kind,
        [ANNOTATION.tuning]: JSON.stringify(i.tuning),
        ...(i.role !== undefined ? { [ANNOTATION.role]: i.role } : {}),
        [ANNOTATION.configKey]: i.configKey,
        ...i.annotations,
      },
    },
  };
}

/** sha256 of the config a pod reads, hex: a change rolls the pods. */
export function configHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A pod template's metadata: the workload's labels (plus any), and the config hash (plus any annotations). */
export function podMetadata(w: Workload, hash: string | undefined, more: { labels?: Labels; annotations?: Readonly<Record<string, string>> } = {}) {
  const annotations = { ...(hash !== undefined ? { [CONFIG_HASH_ANNOTATION]: hash } : {}), ...more.annotations };
  return { labels: { ...w.labels, ...more.labels }, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) };
}

/**
 * A pod template on the skeleton: the workload's labels and config hash, the secure pod defaults
 * (./security: non-root UID, seccomp, no service-account token, no service links), then the pod's own fields.
 */
export function podTemplate<S extends object>(
  w: Workload,
  pod: { hash?: string; labels?: Labels; annotations?: Readonly<Record<string, string>>; uid: number },
  spec: S,
) {
  return {
    metadata: podMetadata(w, pod.hash, { ...(pod.labels ? { labels: pod.labels } : {}), ...(pod.annotations ? { annotations: pod.annotations } : {}) }),
    spec: { ...podDefaults({ uid: pod.uid }), ...spec },
  };
}

/**
 * A stateless Deployment's count, selector and rollout: one new pod at a time, none taken down before its
 * replacement is ready (model/rollout). With an autoscaler the count is left out: the autoscaler owns it,
 * and setting it here would reset it on every `pulumi up`.
 */
export function oneAtATime(w: Workload, replicas: number, autoscaled = false) {
  return {
    ...(autoscaled ? {} : { replicas }),
    selector: { matchLabels: w.selector },
    strategy: rollingUpdate("one-at-a-time", replicas),
  };
}
