// Secure pod defaults (Pod Security Standards "restricted", plus what Polaris and kube-score flag).

export interface PodSecurityInput {
  /** The UID the image runs as; explicit because runAsNonRoot cannot check a named user. */
  readonly uid: number;
  readonly gid?: number;
  /** Set where the pod talks to the Kubernetes API; no workload here does by default. */
  readonly serviceAccountToken?: boolean;
}

export function podSecurityContext(i: PodSecurityInput) {
  const gid = i.gid ?? i.uid;
  return {
    runAsNonRoot: true,
    runAsUser: i.uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(opts: { readOnlyRootFilesystem?: boolean } = {}) {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ["ALL"] },
  };
}

/** Pod-level fields every workload shares. */
export function podDefaults(i: PodSecurityInput) {
  return {
    securityContext: podSecurityContext(i),
    automountServiceAccountToken: i.serviceAccountToken ?? false,
    enableServiceLinks: false,
  };
}

export interface WritableDir {
  readonly name: string;
  readonly mountPath: string;
  /** Memory-backed dirs count against the container's memory limit, so they always carry a size. */
  readonly medium?: "Memory";
  readonly sizeLimit: string;
}

/** emptyDirs where the software writes under a read-only root filesystem. */
export function writableDirs(dirs: readonly WritableDir[]) {
  return {
    volumes: dirs.map((d) => ({ name: d.name, emptyDir: { ...(d.medium ? { medium: d.medium } : {}), sizeLimit: d.sizeLimit } })),
    mounts: dirs.map((d) => ({ name: d.name, mountPath: d.mountPath })),
  };
}
