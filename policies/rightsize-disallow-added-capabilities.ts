// Pod Security "restricted" lets a container add back only NET_BIND_SERVICE after dropping ALL; anything
// else (SYS_ADMIN for Chromium's sandbox, ALL) undoes the drop. Runtimes read the names case-insensitively
// (containerd upper-cases them), so `all` and `Sys_Admin` are as good as `ALL` and `SYS_ADMIN` here too.
import { workloadPolicy } from "./lib/policy";

const ALLOWED = "NET_BIND_SERVICE";

export const disallowAddedCapabilities = workloadPolicy({
  name: "rightsize-disallow-added-capabilities",
  description: "No container, init containers included, adds a capability other than NET_BIND_SERVICE.",
  enforcementLevel: "mandatory",
  container: (c) => {
    const add: unknown[] = c?.securityContext?.capabilities?.add ?? [];
    const bad = add.filter((x) => String(x).toUpperCase() !== ALLOWED);
    if (bad.length === 0) return [];
    return [
      `securityContext.capabilities.add has ${bad.map(String).join(", ")}; ` +
        `Pod Security "restricted" allows adding only ${ALLOWED}, and any other capability undoes drop ALL`,
    ];
  },
});
