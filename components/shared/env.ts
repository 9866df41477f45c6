// Environment variables that connect a pod to the data layer. Pure: plain Kubernetes shapes.
import { POSTGRES } from "./endpoints";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * Postgres from its Secret. The parts come from secretKeyRefs; DATABASE_URL is assembled by Kubernetes'
 * `$(VAR)` expansion, so no credential is ever a literal in the spec (use the parts if the password may
 * contain URL-reserved characters). The pool sizes are per process (gunicorn worker, prefork child): the
 * app sizes its SQLAlchemy pool from them, and Postgres' max_connections check counts the same numbers.
 */
export function databaseEnv(pool: { poolSize: number; maxOverflow: number }): EnvVar[] {
  const k = POSTGRES.keys;
  return [
    { name: "POSTGRES_HOST", value: POSTGRES.name },
    { name: "POSTGRES_PORT", value: String(POSTGRES.port) },
    fromSecret("POSTGRES_USER", POSTGRES.secret, k.username),
    fromSecret("POSTGRES_PASSWORD", POSTGRES.secret, k.password),
    fromSecret("POSTGRES_DB", POSTGRES.secret, k.database),
    { name: "DATABASE_URL", value: `postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@${POSTGRES.name}:${POSTGRES.port}/$(POSTGRES_DB)` },
    { name: "RIGHTSIZE_DB_POOL_SIZE", value: String(pool.poolSize) },
    { name: "RIGHTSIZE_DB_MAX_OVERFLOW", value: String(pool.maxOverflow) },
  ];
}
