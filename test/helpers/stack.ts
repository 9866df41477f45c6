// A compliant baseline stack config; tests change one thing at a time.
import { formatIssue } from "../../config/issues";
import { parseStackConfig, type RawStack } from "../../config/parse";
import type { StackConfig } from "../../config/schema";

export function baseValues(): Record<string, any> {
  return {
    namespace: "rightsize-test",
    nodeBudget: { nodes: 1, cpu: "8", memory: "16Gi", reserved: { cpu: "500m", memory: "1536Mi" } },
    images: { app: "registry.example.com/rightsize/app:1.0.0" },
    web: {
      replicas: 1,
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    },
  };
}

export function raw(values: Record<string, unknown>, stack = "dev", secretKeys: string[] = []): RawStack {
  return { stack, values, secretKeys: new Set(secretKeys) };
}

/** The formatted problems for a stack config, or [] when it is valid. */
export function problems(values: Record<string, unknown>, stack = "dev", secretKeys: string[] = []): string[] {
  const r = parseStackConfig(raw(values, stack, secretKeys));
  return r.ok ? [] : r.issues.map(formatIssue);
}

export function valid(values: Record<string, unknown> = baseValues(), stack = "dev", secretKeys: string[] = []): StackConfig {
  const r = parseStackConfig(raw(values, stack, secretKeys));
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.issues.map(formatIssue).join("\n")}`);
  return r.config;
}

/** Sets a dotted path in a copy of the values. */
export function set(values: Record<string, any>, path: string, v: unknown): Record<string, any> {
  const copy = structuredClone(values);
  const keys = path.split(".");
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  if (v === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = v;
  return copy;
}
