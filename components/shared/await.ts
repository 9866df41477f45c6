// Pulumi's await logic holds `pulumi up` until a StatefulSet's pods are ready and its Service has ready
// endpoints, for 10 minutes by default (pulumi-kubernetes' StatefulSet and Service awaiters). A server
// allowed a longer start by its startup probe (Postgres' initdb or crash recovery, Meilisearch's dump
// import) would fail the update while Kubernetes still waits for it; the provider's
// `pulumi.com/timeoutSeconds` annotation gives the await that allowance.
import type { Seconds } from "../../model/units";

export const AWAIT_TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/** Beyond the startup probe's allowance: scheduling, provisioning the claim, pulling the image. */
export const PROVISIONING_ALLOWANCE = 300;

/** The annotation for an object whose readiness waits on a server with this startup allowance. */
export function awaitTimeout(startup: Seconds): Record<string, string> {
  return { [AWAIT_TIMEOUT_ANNOTATION]: String(startup + PROVISIONING_ALLOWANCE) };
}
