// A Redis that is Celery's broker must never evict: under memory pressure an evicting policy silently
// drops queued tasks. It answers writes with an error instead (noeviction, Redis' own default).
import { ANNOTATION, COMPONENT } from "../model/annotations";
import { componentOf, describeObject, roleOf, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";
import { tuningOf } from "./lib/tuning";

export const enforceBrokerNoeviction = resourcePolicy({
  name: "rightsize-enforce-broker-noeviction",
  description: "A Redis that is the Celery broker uses maxmemory-policy noeviction, so queued tasks are never evicted.",
  enforcementLevel: "mandatory",
  applies: (o) => isWorkload(o) && componentOf(o) === COMPONENT.redis && roleOf(o) === "broker",
  check: (o) => {
    const t = tuningOf(o);
    if ("error" in t) return [t.error];
    const policy = t.tuning["maxmemory-policy"];
    // Absent means Redis' default, which is noeviction.
    if (policy === undefined || policy === "noeviction") return [];
    return [
      `${describeObject(o)}: the Celery broker (${ANNOTATION.role} broker) has maxmemory-policy ${JSON.stringify(policy)}; ` +
        `when memory runs out it evicts queued tasks without a trace. Use noeviction`,
    ];
  },
});
