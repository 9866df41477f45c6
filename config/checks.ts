// Cross-field checks that need more than one key, or a component's derivation. Each component's pure
// tuning module owns its own rules; this list only gathers them, so they all report at once.
import { checkMeilisearch } from "../components/meilisearch/tuning";
import { checkPostgres, webConnectionDemand } from "../components/postgres/tuning";
import { checkRedis } from "../components/redis/tuning";
import { celeryDbConnections, checkCelery } from "../components/celery/tuning";
import { checkExtras } from "../components/extras/tuning";
import { checkPlaywright } from "../components/playwright/tuning";
import { checkWeb } from "../components/web/tuning";
import { type ConfigIssue, issue } from "./issues";
import type { RawStack } from "./parse";
import type { StackConfig } from "./schema";

type Check = (c: StackConfig, raw: RawStack) => ConfigIssue[];

/**
 * In prod a credential must come from encrypted config. Pulumi marks a whole top-level key secret when any
 * value under it is `secure:`, so that is as fine-grained as this can see.
 */
function encryptedInProd(topKey: string, paths: (c: StackConfig) => string[]): Check {
  return (c, raw) =>
    c.environment === "prod" && !raw.secretKeys.has(topKey)
      ? paths(c).map((p) => issue(p, `must be stored encrypted in prod: set it with \`pulumi config set --secret --path ${p} ...\``))
      : [];
}

/** Push credentials for an image build must be stored encrypted in prod. */
function checkImageSecrets(c: StackConfig, raw: RawStack): ConfigIssue[] {
  const app = c.images.app;
  if (c.environment !== "prod" || typeof app === "string" || !app.build.registry) return [];
  if (raw.secretKeys.has("images")) return [];
  return [
    issue(
      "images.app.build.registry.password",
      "must be stored encrypted in prod: set it with `pulumi config set --secret --path images.app.build.registry.password ...`",
    ),
  ];
}

const checks: Check[] = [
  (c) => checkWeb(c.web),
  // Every client's connection pools must fit under max_connections: web's and every Celery pool's.
  (c) => checkPostgres(c.postgres, [webConnectionDemand(c.web), ...celeryDbConnections(c)]),
  (c) => checkRedis(c.redis.broker, "redis.broker", true),
  (c) => (c.redis.cache ? checkRedis(c.redis.cache, "redis.cache", false) : []),
  (c) => checkMeilisearch(c.meilisearch),
  encryptedInProd("postgres", () => ["postgres.password"]),
  encryptedInProd("redis", (c) => ["redis.broker.password", ...(c.redis.cache ? ["redis.cache.password"] : [])]),
  encryptedInProd("meilisearch", () => ["meilisearch.masterKey"]),
  (c) => checkCelery(c.celery),
  (c) => checkPlaywright(c.playwright),
  (c) => checkExtras(c),
  checkImageSecrets,
];

export function crossChecks(c: StackConfig, raw: RawStack): ConfigIssue[] {
  return checks.flatMap((check) => check(c, raw));
}
