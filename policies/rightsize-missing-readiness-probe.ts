// Pods behind a Service get traffic as soon as they run unless a readiness probe holds them back: every
// app container of a pod some Service selects has one.
import { containersOf, describeObject, SelectorIndex, isWorkload, podTemplateOf } from "../model/k8s";
import { guardedEach, stackPolicy } from "./lib/policy";

export const missingReadinessProbe = stackPolicy({
  name: "rightsize-missing-readiness-probe",
  description: "Every app container of a pod that a Service selects has a readiness probe.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const services = new SelectorIndex<string>();
    const unread = guardedEach(
      objects.filter(({ object }) => object.kind === "Service"),
      (o, { name }) => {
        // A Service selects with plain labels, which is a matchLabels selector.
        services.add(o.metadata?.namespace, { matchLabels: o.spec?.selector }, `Service ${o.metadata?.name ?? name}`);
        return [];
      },
    );
    const unprobed = guardedEach(
      objects.filter(({ object }) => isWorkload(object)),
      (o) => {
        const behind = services.match(o.metadata?.namespace, podTemplateOf(o)?.metadata?.labels);
        if (behind.length === 0) return [];
        const svc = behind.join(", ");
        return containersOf(o)
          .filter(({ c, init }) => !init && !c?.readinessProbe)
          .map(({ label }) => `${describeObject(o)}: ${label} has no readinessProbe, yet ${svc} sends it traffic; a starting or stuck pod still gets requests`);
      },
    );
    return [...unread, ...unprobed];
  },
});
