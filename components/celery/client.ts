// Pod parts every Celery client shares (web, beat, worker pools): the settings module on PYTHONPATH and
// the broker password from its Secret; workers also get the database. Pure: plain Kubernetes shapes.
import { REDIS } from "../shared/endpoints";
import { databaseEnv, type EnvVar, fromSecret } from "../shared/env";
import { CONFIG_DIR, PASSWORD_ENV } from "./module";

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

export { databaseEnv, type EnvVar };

/** Plain variables from stack config, after the derived ones so `$(NAME)` may refer to them. */
export function plainEnv(env: Record<string, string>): EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
