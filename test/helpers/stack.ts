// A compliant baseline stack config; tests change one thing at a time.
import { credentialPaths } from "../../components/registry";
import { formatIssue } from "../../config/issues";
import type { RawStack } from "../../config/parse";
import { parseStack } from "../../components/platform/checks";
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
    // The data layer at its schema defaults, with the credentials every stack must give.
    postgres: { password: DEV_SECRETS.postgres },
    redis: { broker: { password: DEV_SECRETS.redisBroker } },
    meilisearch: { masterKey: DEV_SECRETS.meilisearch },
  };
}


/**
 * The broker's settings at the schema defaults (512Mi, AOF), as redis.conf spells them: maxmemory 307mb
 * (0.6 x the limit, in whole MiB), noeviction, AOF everysec and no RDB snapshots.
 */
export const DEFAULT_BROKER_TUNING = {
  maxmemory: 321912832,
  "maxmemory-policy": "noeviction",
  appendonly: "yes",
  appendfsync: "everysec",
  save: "",
  "tcp-keepalive": 300,
} as const;

/** Kubernetes-shaped resources from four quantities. */
export const resources = (reqCpu: string, reqMem: string, cpu: string, memory: string) => ({ requests: { cpu: reqCpu, memory: reqMem }, limits: { cpu, memory } });

/** Credentials in the baseline; tests look for them in every rendered object to prove none leaks. */
export const DEV_SECRETS = {
  postgres: "pg-secret-7f3a9c1e5b",
  redisBroker: "redis-secret-2d8e4b6a0c",
  redisCache: "redis-secret-9b1f7e3d5a",
  meilisearch: "meili-secret-4c6a8e0b2d",
} as const;

/** The top-level keys that hold the baseline's credentials (config/credentials' list): a prod stack stores them encrypted. */
export const PROD_SECRET_KEYS = [...new Set(credentialPaths(baseValues()).map((p) => p.split(".")[0]!))];

export function raw(values: Record<string, unknown>, stack = "dev", secretKeys: string[] = []): RawStack {
  return { stack, values, secretKeys: new Set(secretKeys) };
}

/** The formatted problems for a stack config, or [] when it is valid. */
export function problems(values: Record<string, unknown>, stack = "dev", secretKeys: string[] = []): string[] {
  const r = parseStack(raw(values, stack, secretKeys));
  return r.ok ? [] : r.issues.map(formatIssue);
}

export function valid(values: Record<string, unknown> = baseValues(), stack = "dev", secretKeys: string[] = []): StackConfig {
  const r = parseStack(raw(values, stack, secretKeys));
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
