// Celery beat is a scheduler: two of them fire every schedule twice. It runs one replica, no HPA or KEDA
// ScaledObject scales it, a rollout never runs an old and a new one side by side, and the stack has only one.
import { ANNOTATION, COMPONENT } from "../model/annotations";
import { describeObject, isWorkload } from "../model/k8s";
import { guardedEach, scalersOf, stackPolicy } from "./lib/policy";
import { workloadOf } from "../model/reservations";
import { surgePods } from "../model/rollout";

export const enforceBeatSingleton = stackPolicy({
  name: "rightsize-enforce-beat-singleton",
  description: "Celery beat runs as exactly one pod, also during rollouts, so no schedule fires twice.",
  enforcementLevel: "mandatory",
  check: (objects) => {
    const { hpas, findings } = scalersOf(objects);
    const beats: string[] = [];
    const out = guardedEach(
      objects.filter(({ object }) => isWorkload(object)),
      (o) => {
        if (o.metadata?.annotations?.[ANNOTATION.component] !== COMPONENT.celeryBeat) return [];
        beats.push(describeObject(o));
        const w = workloadOf(o, 1, hpas);
        const found: string[] = [];
        if (w.kind === "DaemonSet") found.push(`${describeObject(o)}: Celery beat as a DaemonSet runs one scheduler per node; run it as one replica`);
        else if (w.maxReplicas > 1) found.push(`${describeObject(o)}: Celery beat runs up to ${w.maxReplicas} replicas; every schedule would fire ${w.maxReplicas} times`);
        const surge = surgePods(o, 1);
        if (surge > 0) {
          found.push(
            `${describeObject(o)}: Celery beat rolls out with maxSurge ${surge}, so an old and a new scheduler run side by side and fire the same schedule; use strategy Recreate`,
          );
        }
        return found;
      },
    );
    const twice = beats.length > 1 ? [{ message: `${beats.length} Celery beat workloads (${beats.join(", ")}); the stack must run exactly one scheduler` }] : [];
    return [...findings, ...out, ...twice];
  },
});
