// Environment variables that connect a pod to the data layer, and the one rule for a stack's own `env`
// against the variables a component sets. Pure: plain Kubernetes shapes.
import { looksLikeCredential } from "../../config/credentials";
import { type ConfigIssue, issue } from "../../config/issues";
import { POSTGRES } from "./endpoints";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * Postgres from its Secret, reached at `at`: Postgres itself, or PgBouncer when postgres.pooler is on
 * (same user, password and database name; transaction pooling, so the app must not prepare statements).
 * The parts come from secretKeyRefs; DATABASE_URL is assembled by Kubernetes' `$(VAR)` expansion, so no credential is ever a literal in the spec (use the parts if the password may
 * contain URL-reserved characters). The pool sizes are per process (gunicorn worker, prefork child): the
 * app sizes its SQLAlchemy pool from them, and Postgres' max_connections check counts the same numbers.
 */
export function databaseEnv(pool: { poolSize: number; maxOverflow: number }, at: { name: string; port: number } = POSTGRES): EnvVar[] {
  const k = POSTGRES.keys;
  return [
    { name: "POSTGRES_HOST", value: at.name },
    { name: "POSTGRES_PORT", value: String(at.port) },
    fromSecret("POSTGRES_USER", POSTGRES.secret, k.username),
    fromSecret("POSTGRES_PASSWORD", POSTGRES.secret, k.password),
    fromSecret("POSTGRES_DB", POSTGRES.secret, k.database),
    { name: "DATABASE_URL", value: `postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@${at.name}:${at.port}/$(POSTGRES_DB)` },
    { name: "RIGHTSIZE_DB_POOL_SIZE", value: String(pool.poolSize) },
    { name: "RIGHTSIZE_DB_MAX_OVERFLOW", value: String(pool.maxOverflow) },
  ];
}

/** The names of the variables a component builds: each component's one list of what `env` may not set. */
export const envNames = (env: readonly EnvVar[]): string[] => env.map((e) => e.name);

/** The data-layer variables by name (their values do not matter for the names). */
export const DATABASE_ENV_NAMES: readonly string[] = envNames(databaseEnv({ poolSize: 0, maxOverflow: 0 }));

/**
 * A variable in the stack's `env` that the component sets too: Kubernetes keeps both entries and the
 * later one, the stack's, wins, so it would silently replace a secretKeyRef with a literal or undo a
 * derived setting. `key` is the env map's path, `setBy` says what sets it.
 */
export function envOverrides(key: string, env: Readonly<Record<string, string>>, set: readonly string[], setBy: string): ConfigIssue[] {
  return set
    .filter((n) => Object.hasOwn(env, n))
    .map((n) => {
      const message = `is set by rightsize (${setBy}); remove it from env`;
      // A credential's value is never shown back.
      return looksLikeCredential(n, env[n]!) ? issue(`${key}.${n}`, message) : issue(`${key}.${n}`, message, env[n]);
    });
}
