// No rightsize workload calls the Kubernetes API, yet a pod mounts its service account's token unless told
// not to, so one compromised process holds an API credential. A pod opts out with
// automountServiceAccountToken: false; one that needs the API says so with true. Only the pod's field is
// read: a ServiceAccount's own setting is not in the pod spec, and the pod's wins over it anyway.
import { workloadPolicy } from "./lib/policy";

export const disallowServiceAccountToken = workloadPolicy({
  name: "rightsize-disallow-service-account-token",
  description: "Every pod decides automountServiceAccountToken: false, or true when it calls the Kubernetes API.",
  enforcementLevel: "advisory",
  pod: ({ automountServiceAccountToken: v }) =>
    typeof v === "boolean"
      ? []
      : [
          `the pod leaves automountServiceAccountToken ${v === undefined ? "unset" : String(v)}, so every container gets an API token; ` +
            "set it to false (true only where the pod calls the Kubernetes API)",
        ],
});
