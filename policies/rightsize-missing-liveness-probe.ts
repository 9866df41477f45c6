// A Celery worker or beat runs until it is stopped; when it hangs (a stuck event loop, a broker connection
// that is gone but not noticed), it keeps its prefetched tasks or its schedule and nothing restarts it but
// a liveness probe. No Service selects a worker, so readiness never notices. A Celery process is the
// rightsize component (rightsize.io/component celery-worker or celery-beat), or any container, in any
// workload kind, whose command runs `celery ... worker` or `celery ... beat`.
import { COMPONENT } from "../model/annotations";
import { componentOf, containersOf, type ContainerRef, describeObject, isWorkload, mainContainer } from "../model/k8s";
import type { K8sObject } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

const CELERY_COMPONENTS: readonly string[] = [COMPONENT.celeryWorker, COMPONENT.celeryBeat];

/** `worker` or `beat` when the container's command and args start a Celery worker or beat. */
function celeryRole(c: any): string | undefined {
  const words = [...((c?.command ?? []) as unknown[]), ...((c?.args ?? []) as unknown[])].flatMap((w) => String(w).split(/\s+/));
  if (!words.some((w) => w === "celery" || w.endsWith("/celery"))) return undefined;
  return words.find((w) => w === "worker" || w === "beat");
}

function celeryContainers(o: K8sObject): { ref: ContainerRef; role: string }[] {
  const apps = containersOf(o).filter((r) => !r.init);
  const byCommand = apps.flatMap((ref) => {
    const role = celeryRole(ref.c);
    return role ? [{ ref, role }] : [];
  });
  if (byCommand.length > 0) return byCommand;
  const component = componentOf(o);
  if (!component || !CELERY_COMPONENTS.includes(component)) return [];
  const main = mainContainer(o, ["worker", "beat"]);
  return main ? [{ ref: main, role: component === COMPONENT.celeryBeat ? "beat" : "worker" }] : [];
}

export const missingLivenessProbe = resourcePolicy({
  name: "rightsize-missing-liveness-probe",
  description: "Every container that runs a Celery worker or beat has a liveness probe.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    celeryContainers(o)
      .filter(({ ref }) => !ref.c?.livenessProbe)
      .map(
        ({ ref, role }) =>
          `${describeObject(o)}: ${ref.label} runs a Celery ${role} and has no livenessProbe; a hung ${role} keeps its ${role === "beat" ? "schedule" : "prefetched tasks"} and nothing restarts it`,
      ),
});
