// rightsize: the Pulumi program. Validates the whole stack config first (nothing is registered when it
// is wrong), then builds the platform.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/load";
import { Platform } from "./components/platform";
import { PLATFORM_RULES } from "./components/platform/checks";

const config = loadStackConfig(PLATFORM_RULES);
const platform = new Platform("rightsize", { config });

export const namespace = platform.namespace;
export const webUrl = platform.web.url;
export const gunicornWorkers = platform.web.settings.workers;
// The data layer's addresses and the Secrets that hold its credentials (names only, never values).
export const postgres = { host: platform.postgres.host, port: platform.postgres.port, secret: platform.postgres.secretName };
export const redisBroker = { host: platform.redis.broker.host, port: platform.redis.broker.port, secret: platform.redis.broker.secretName };
export const redisCache = platform.redis.cache
  ? { host: platform.redis.cache.host, port: platform.redis.cache.port, secret: platform.redis.cache.secretName }
  : undefined;
export const meilisearch = { url: platform.meilisearch.url, secret: platform.meilisearch.secretName };
/** Where the app image comes from ("pinned" or "build") and what web and Celery run. */
export const appImage = pulumi.output({ source: platform.image.source, web: platform.image.web, worker: platform.image.worker });
/** worker_concurrency per Celery pool. */
export const celeryConcurrency = Object.fromEntries(Object.entries(platform.celery?.settings ?? {}).map(([p, s]) => [p, s.worker_concurrency]));
export const playwrightSessions = platform.playwright?.settings.CONCURRENT;
export const playwrightUrl = platform.playwright?.connectUrl;
export const extras = Object.keys(platform.extras);
