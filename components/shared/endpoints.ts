// Names that one component creates and another connects to. Both sides read them from here, so a
// rename cannot leave a dangling reference. Pure: no @pulumi imports.

/** A Secret key reference, for env valueFrom.secretKeyRef. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface Endpoint {
  /** In-namespace DNS name of the Service. */
  readonly host: string;
  readonly port: number;
}

export const POSTGRES = {
  name: "postgres",
  port: 5432,
  /** Where the server's Unix socket lives (the official image's default), for the probes and the config. */
  socketDir: "/var/run/postgresql",
  secret: "postgres-credentials",
  keys: { username: "username", password: "password", database: "database" },
} as const;

/** PgBouncer in front of Postgres (postgres.pooler); its port is PgBouncer's usual one. */
export const PGBOUNCER = { name: "pgbouncer", port: 6432, userlistKey: "userlist.txt" } as const;

/** Redis instances by role; the broker always exists, the cache is optional. */
export const REDIS = {
  broker: { name: "redis-broker", port: 6379, secret: "redis-broker-credentials", passwordKey: "password" },
  cache: { name: "redis-cache", port: 6379, secret: "redis-cache-credentials", passwordKey: "password" },
} as const;

export const MEILISEARCH = { name: "meilisearch", port: 7700, secret: "meilisearch-credentials", masterKeyKey: "masterKey" } as const;

export const PLAYWRIGHT = { name: "playwright", port: 3000 } as const;

export function endpoint(e: { name: string; port: number }): Endpoint {
  return { host: e.name, port: e.port };
}
