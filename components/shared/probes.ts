// Typed probes: timings are Seconds, so a millisecond value cannot slip in, and each kind carries
// only its own fields.
import type { Seconds } from "../../model/units";

export interface ProbeTiming {
  readonly periodSeconds: Seconds;
  readonly timeoutSeconds: Seconds;
  readonly failureThreshold: number;
  readonly initialDelaySeconds?: Seconds;
  readonly successThreshold?: number;
}

export type ProbeAction =
  | { readonly kind: "http"; readonly path: string; readonly port: number | string }
  | { readonly kind: "exec"; readonly command: readonly string[] }
  | { readonly kind: "tcp"; readonly port: number | string };

export type Probe = ProbeAction & ProbeTiming;

export interface K8sProbe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
  tcpSocket?: { port: number | string };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  initialDelaySeconds?: number;
  successThreshold?: number;
}

export function toK8sProbe(p: Probe): K8sProbe {
  const timing: K8sProbe = {
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    ...(p.successThreshold !== undefined ? { successThreshold: p.successThreshold } : {}),
  };
  switch (p.kind) {
    case "http":
      return { ...timing, httpGet: { path: p.path, port: p.port } };
    case "exec":
      return { ...timing, exec: { command: [...p.command] } };
    case "tcp":
      return { ...timing, tcpSocket: { port: p.port } };
  }
}

/** The longest a probe keeps failing before it acts: period x threshold, plus the last timeout. */
export function probeBudget(p: ProbeTiming): Seconds {
  return ((p.initialDelaySeconds ?? 0) + p.periodSeconds * p.failureThreshold) as Seconds;
}
