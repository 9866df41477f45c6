// Pod parts every Celery client shares (web, beat, worker pools): the settings module on PYTHONPATH and
// the broker password from its Secret; workers also get the database. Pure: plain Kubernetes shapes (and,
// as types only, the args beat and the pools share).
import type * as pulumi from "@pulumi/pulumi";
import { REDIS } from "../shared/endpoints";
import { DATABASE_ENV_NAMES, databaseEnv, type EnvVar, envNames, fromSecret } from "../shared/env";
import { CONFIG_DIR, PASSWORD_ENV, PLAYWRIGHT_URL_ENV, POOL_ENV, REMAP_SIGTERM_ENV } from "./module";

/** What beat and every worker pool are given alike: where they run, the app, its image and its settings module. */
export interface CeleryProcessArgs {
  readonly namespace: string;
  /** The Celery app for `celery --app`. */
  readonly app: string;
  /** The image: a pinned reference or the app target's digest. */
  readonly image: pulumi.Input<string>;
  /** Name of the ConfigMap holding rightsize_celeryconfig. */
  readonly configMap: string;
  /** Hash of everything in the ConfigMap the process reads; a change rolls its pods. */
  readonly configHash: string;
  /** UID the image runs as. @default 10001 */
  readonly uid?: number;
  /** @default [] */
  readonly dependsOn?: pulumi.Resource[];
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

/** What a worker pool's pods get (worker.ts builds them): a pool's `env` may not set these. */
export const WORKER_ENV_NAMES: readonly string[] = [POOL_ENV, REMAP_SIGTERM_ENV, ...envNames(clientEnv()), ...DATABASE_ENV_NAMES, PLAYWRIGHT_URL_ENV];
/** What beat's pod gets (beat.ts): the client variables only. */
export const BEAT_ENV_NAMES: readonly string[] = envNames(clientEnv());

/** Plain variables from stack config, after the derived ones so `$(NAME)` may refer to them. */
export function plainEnv(env: Record<string, string>): EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
