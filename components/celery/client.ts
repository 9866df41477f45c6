// Pod parts every Celery client shares (web, beat, worker pools): the settings module on PYTHONPATH and
// the broker password from its Secret; workers also get the database. Pure: plain Kubernetes shapes.
import { POSTGRES, REDIS } from "../shared/endpoints";
import { CONFIG_DIR, PASSWORD_ENV } from "./module";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export interface Volume {
  name: string;
  configMap?: { name: string };
  emptyDir?: { medium?: string; sizeLimit?: string };
  persistentVolumeClaim?: { claimName: string };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

const CONFIG_VOLUME = "celery-config";

const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** What a pod needs to load `rightsize_celeryconfig` and reach the broker. */
export function clientEnv(): EnvVar[] {
  return [
    fromSecret(PASSWORD_ENV, REDIS.broker.secret, REDIS.broker.passwordKey),
    // Replaces an image's own PYTHONPATH; the app's directory stays importable because celery and
    // gunicorn put their working directory on sys.path.
    { name: "PYTHONPATH", value: CONFIG_DIR },
  ];
}

export function clientVolume(configMap: string): Volume {
  return { name: CONFIG_VOLUME, configMap: { name: configMap } };
}

export function clientMount(): VolumeMount {
  return { name: CONFIG_VOLUME, mountPath: CONFIG_DIR, readOnly: true };
}

/**
 * Postgres from its Secret. The parts come from secretKeyRefs; DATABASE_URL is assembled by Kubernetes'
 * `$(VAR)` expansion, so no credential is ever a literal in the spec (use the parts if the password may
 * contain URL-reserved characters). The pool sizes are per process: prefork children each open their own.
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

/** Plain variables from stack config, after the derived ones so `$(NAME)` may refer to them. */
export function plainEnv(env: Record<string, string>): EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
