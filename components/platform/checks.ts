// The stack's cross-field checks, in the order they report: each component's pure tuning module owns
// the rules that need its derivation, config/ owns where credentials are stored, and this list only
// gathers them, so every problem is reported at once. config/ cannot import components, so the loader
// is handed these rules (index.ts: loadStackConfig(PLATFORM_RULES)).
import { checkImageSecrets, encryptedEnvCredentials, unencryptedCredentials } from "../../config/credentials";
import { parseStackConfig, type ParseResult } from "../../config/parse";
import type { RawStack, StackCheck, StackRules } from "../../config/raw";
import type { StackConfig } from "../../config/schema";
import { credentialPaths } from "../registry";
import { BEAT_ENV_NAMES, clientEnv, WORKER_ENV_NAMES } from "../celery/client";
import { databaseEnv, type EnvVar, envNames, envOverrides } from "../shared/env";
import { checkAutoscaling } from "../celery/scaling";
import { minReplicas } from "../celery/tuning";
import { persistent } from "../redis/tuning";
import { checkCelery } from "../celery/tuning";
import { checkExtras } from "../extras/tuning";
import { checkMeilisearch } from "../meilisearch/tuning";
import { checkPlaywright } from "../playwright/tuning";
import { checkPostgres } from "../postgres/tuning";
import { appConnectionDemand, checkPooler, databaseEndpoint, servedPostgres, stackPooler } from "../pgbouncer/tuning";
import { checkRedis } from "../redis/tuning";
import { checkWeb } from "../web/tuning";

/** In prod every credential the descriptors name must come from encrypted config. */
const encryptedCredentials: StackCheck = (c, raw) => unencryptedCredentials(credentialPaths(raw.values), c.environment === "prod", raw.secretKeys);

/** What web pods get from the data layer and, with Celery, the client module: one list for the pods and the check. */
export function webClientEnv(c: StackConfig): EnvVar[] {
  return [...databaseEnv(c.web.database, databaseEndpoint(c)), ...(c.celery ? clientEnv() : [])];
}

/** Every workload's `env` against the variables its component sets (each component's one list). */
export const envChecks: StackCheck = (c, raw) => {
  const overrides = [
    ...envOverrides("web.env", c.web.env, envNames(webClientEnv(c)), "the database and Celery client variables"),
    ...Object.entries(c.celery?.workers ?? {}).flatMap(([n, p]) => envOverrides(`celery.workers.${n}.env`, p.env, WORKER_ENV_NAMES, "the worker's pool, broker and database variables")),
    ...(c.celery ? envOverrides("celery.beat.env", c.celery.beat.env, BEAT_ENV_NAMES, "the Celery client variables") : []),
  ];
  return [...overrides, ...encryptedEnvCredentials(c, raw.secretKeys, new Set(overrides.map((i) => i.path)))];
};

export const platformChecks: readonly StackCheck[] = [
  envChecks,
  (c) => checkWeb(c.web),
  // Every client's connection pools must fit under max_connections (or PgBouncer's max_client_conn when
  // the pooler is on, and then Postgres' max_connections is the pooler's): web's and every Celery pool's.
  (c) => {
    const plan = stackPooler(c);
    const own = checkPostgres(servedPostgres(c, plan), appConnectionDemand(c), "postgres", plan);
    // A setting that does not fit already says why no pool fits either.
    const memory = own.some((i) => i.path.startsWith("postgres.settings.") || i.path === "postgres.resources.limits.memory");
    return [...own, ...(memory ? [] : checkPooler(c.postgres, plan))];
  },
  (c) => checkRedis(c.redis.broker, "redis.broker", true),
  (c) => (c.redis.cache ? checkRedis(c.redis.cache, "redis.cache", false) : []),
  (c) => checkMeilisearch(c.meilisearch),
  encryptedCredentials,
  (c) => checkCelery(c.celery),
  (c) => checkAutoscaling(c.celery),
  (c) => checkPlaywright(c.playwright),
  (c) => checkExtras(c),
  checkImageSecrets,
];

/** A key as the stack file typed it (defaults filled in later cannot tell typed from not). */
function typed(values: Record<string, unknown>, path: string): boolean {
  let o: unknown = values;
  for (const k of path.split(".")) {
    if (o === null || typeof o !== "object" || !Object.hasOwn(o, k)) return false;
    o = (o as Record<string, unknown>)[k];
  }
  return o !== undefined;
}

/**
 * Keys the stack file sets that change nothing, as warnings (the plan still runs, exit 0): a user who
 * typed them expects an effect. Each names the key and why.
 */
export function ineffectiveKeys(c: StackConfig, raw: RawStack): string[] {
  const out: string[] = [];
  for (const [name, p] of Object.entries(c.celery?.workers ?? {})) {
    const key = `celery.workers.${name}.autoscaling.cooldownSeconds`;
    if (p.autoscaling?.cooldownSeconds !== undefined && minReplicas(p) >= 1) {
      out.push(`${key}: has no effect: KEDA's cooldownPeriod only applies when a pool scales to zero, and its minReplicas is ${minReplicas(p)}`);
    }
  }
  for (const [which, r] of [["broker", c.redis.broker], ["cache", c.redis.cache]] as const) {
    if (r && !persistent(r) && typed(raw.values, `redis.${which}.storage`)) {
      out.push(`redis.${which}.storage: has no effect: this instance keeps nothing on disk (appendonly no, no save points), so it gets no volume`);
    }
  }
  if (typed(raw.values, "postgres.maxConnections")) {
    const plan = stackPooler(c);
    if (plan.enabled) {
      out.push(`postgres.maxConnections: has no effect: PgBouncer is on (${plan.why}), so max_connections is ${plan.postgresMaxConnections.why}; postgres.pooler.poolSize sets the pool`);
    }
  }
  if (c.playwright && c.playwright.shm.mode !== "memory" && typed(raw.values, "playwright.shm.size")) {
    out.push(`playwright.shm.size: has no effect: shm.mode is ${c.playwright.shm.mode}, so /dev/shm is not memory-backed`);
  }
  return out;
}

/** What the program hands config/: its checks, the credentials its components require, and the warnings. */
export const PLATFORM_RULES: StackRules = { checks: platformChecks, credentials: credentialPaths, warnings: ineffectiveKeys };

/** The stack config with every check the program runs: what `pulumi up` would accept or report. */
export function parseStack(raw: RawStack): ParseResult {
  return parseStackConfig(raw, PLATFORM_RULES);
}
