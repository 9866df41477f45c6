// A Redis that is Celery's broker must never evict: under memory pressure an evicting policy silently
// drops queued tasks. It answers writes with an error instead (noeviction, Redis' own default).
import { ANNOTATION, COMPONENT } from "../model/annotations";
import { tuningPolicy } from "./lib/policy";

export const enforceBrokerNoeviction = tuningPolicy({
  name: "rightsize-enforce-broker-noeviction",
  description: "A Redis that is the Celery broker uses maxmemory-policy noeviction, so queued tasks are never evicted.",
  enforcementLevel: "mandatory",
  component: COMPONENT.redis,
  role: "broker",
  check: (tuning) => {
    const policy = tuning["maxmemory-policy"];
    // Absent means Redis' default, which is noeviction.
    if (policy === undefined || policy === "noeviction") return [];
    return [
      `the Celery broker (${ANNOTATION.role} broker) has maxmemory-policy ${JSON.stringify(policy)}; ` +
        `when memory runs out it evicts queued tasks without a trace. Use noeviction`,
    ];
  },
});
