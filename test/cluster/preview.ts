// Reading what the real CLI decided: policy events from `--event-log`, and steps from `preview --json`.
import { existsSync, readFileSync } from "node:fs";

export interface PolicyEvent {
  policyName: string;
  enforcementLevel: string;
  message: string;
  resourceUrn?: string;
}

/** The violation's own message: the engine puts the policy's one-line description before it. */
export function violationOf(e: PolicyEvent, descriptions: Record<string, string>): string {
  const d = descriptions[e.policyName];
  return d && e.message.startsWith(`${d}\n`) ? e.message.slice(d.length + 1) : e.message;
}

/**
 * Every policy violation the engine reported, from an `--event-log` file (one JSON event per line). The
 * engine's message is the policy's description, a newline, then the violation's own message (what plan
 * prints as `message`): `violation` is that last part.
 */
export function policyEvents(eventLog: string): PolicyEvent[] {
  if (!existsSync(eventLog)) return [];
  return readFileSync(eventLog, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { policyEvent?: PolicyEvent })
    .flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
}

/** A violation as both sides can spell it: policy, level and message (which names the resource). */
export function violationKey(v: { policy?: string; policyName?: string; enforcementLevel: string; message: string }): string {
  return `${v.policy ?? v.policyName} [${v.enforcementLevel}] ${v.message.trim()}`;
}

export interface PreviewStep {
  op: string;
  urn: string;
  kind: string;
  name: string;
}

/** The steps of `pulumi preview --json`, each named as Kind/name of the Kubernetes object. */
export function previewSteps(json: string): PreviewStep[] {
  const doc = JSON.parse(json) as { steps?: Array<{ op: string; urn: string; newState?: { inputs?: any }; oldState?: { inputs?: any; outputs?: any } }> };
  return (doc.steps ?? []).map((s) => {
    const inputs = s.newState?.inputs ?? s.oldState?.inputs ?? {};
    const type = s.urn.split("::")[2] ?? "";
    const kind = type.split(":").pop() ?? type;
    return { op: s.op, urn: s.urn, kind, name: inputs?.metadata?.name ?? s.urn.split("::").pop() ?? "" };
  });
}
