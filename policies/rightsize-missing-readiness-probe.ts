// Pods behind a Service get traffic as soon as they run unless a readiness probe holds them back: every
// app container of a pod some Service selects has one.
import { containersOf, describeObject, SelectorIndex, isWorkload, podTemplateOf } from "../model/k8s";
import { guarded, stackPolicy, type StackFinding } from "./lib/policy";

export const missingReadinessProbe = stackPolicy({
  name: "rightsize-missing-readiness-probe",
  description: "Every app container of a pod that a Service selects has a readiness probe.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const services = new SelectorIndex<string>();
    const out: StackFinding[] = [];
    for (const { object: o, name, urn } of objects) {
      if (o.kind !== "Service") continue;
      for (const message of guarded(o, name, () => {
        // A Service selects with plain labels, which is a matchLabels selector.
        services.add(o.metadata?.namespace, { matchLabels: o.spec?.selector }, `Service ${o.metadata?.name ?? name}`);
        return [];
      })) out.push({ message, urn });
    }
    for (const { object: o, name, urn } of objects) {
      if (!isWorkload(o)) continue;
      for (const message of guarded(o, name, () => {
        const behind = services.match(o.metadata?.namespace, podTemplateOf(o)?.metadata?.labels);
        if (behind.length === 0) return [];
        const svc = behind.join(", ");
        return containersOf(o)
          .filter(({ c, init }) => !init && !c?.readinessProbe)
          .map(({ label }) => `${describeObject(o)}: ${label} has no readinessProbe, yet ${svc} sends it traffic; a starting or stuck pod still gets requests`);
      })) out.push({ message, urn });
    }
    return out;
  },
});
