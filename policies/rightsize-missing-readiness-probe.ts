// Pods behind a Service get traffic as soon as they run unless a readiness probe holds them back: every
// app container of a pod some Service selects has one.
import { containersOf, describe, podSpecOf, selects } from "./lib/k8s";
import { guarded, stackPolicy, type StackFinding } from "./lib/policy";
import { isWorkload, podTemplateOf } from "./reservations";

export const missingReadiness = stackPolicy({
  name: "rightsize-missing-readiness-probe",
  description: "Every app container of a pod that a Service selects has a readiness probe.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const services: { ns: string | undefined; name: string; selector: Record<string, string> }[] = [];
    const out: StackFinding[] = [];
    for (const { object: o, name, urn } of objects) {
      if (o.kind !== "Service") continue;
      for (const message of guarded(o, name, () => {
        const sel = o.spec?.selector;
        if (sel && Object.keys(sel).length > 0) services.push({ ns: o.metadata?.namespace, name: o.metadata?.name ?? name, selector: { ...sel } });
        return [];
      })) out.push({ message, urn });
    }
    for (const { object: o, name, urn } of objects) {
      if (!isWorkload(o)) continue;
      for (const message of guarded(o, name, () => {
        const labels = podTemplateOf(o)?.metadata?.labels;
        const behind = services.filter((s) => s.ns === o.metadata?.namespace && selects({ matchLabels: s.selector }, labels));
        if (behind.length === 0 || !podSpecOf(o)) return [];
        const svc = behind.map((s) => `Service ${s.name}`).join(", ");
        return containersOf(o)
          .filter(({ c, init }) => !init && !c?.readinessProbe)
          .map(({ label }) => `${describe(o)}: ${label} has no readinessProbe, yet ${svc} sends it traffic; a starting or stuck pod still gets requests`);
      })) out.push({ message, urn });
    }
    return out;
  },
});
