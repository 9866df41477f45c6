// The stack's cross-field checks, in the order they report: each component's pure tuning module owns
// the rules that need its derivation, config/ owns where credentials are stored, and this list only
// gathers them, so every problem is reported at once. config/ cannot import components, so the loader
// is handed these rules (index.ts: loadStackConfig(PLATFORM_RULES)).
import { checkImageSecrets, unencryptedCredentials } from "../../config/credentials";
import { parseStackConfig, type ParseResult } from "../../config/parse";
import type { RawStack, StackCheck, StackRules } from "../../config/raw";
import { credentialPaths } from "../registry";
import { checkAutoscaling } from "../celery/scaling";
import { celeryDbConnections, checkCelery } from "../celery/tuning";
import { checkExtras } from "../extras/tuning";
import { checkMeilisearch } from "../meilisearch/tuning";
import { checkPlaywright } from "../playwright/tuning";
import { checkPostgres } from "../postgres/tuning";
import { checkRedis } from "../redis/tuning";
import { checkWeb, webConnectionDemand } from "../web/tuning";

/** In prod every credential the descriptors name must come from encrypted config. */
const encryptedCredentials: StackCheck = (c, raw) => unencryptedCredentials(credentialPaths(raw.values), c.environment === "prod", raw.secretKeys);

export const platformChecks: readonly StackCheck[] = [
  (c) => checkWeb(c.web),
  // Every client's connection pools must fit under max_connections: web's and every Celery pool's.
  (c) => checkPostgres(c.postgres, [webConnectionDemand(c.web), ...celeryDbConnections(c)]),
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

/** What the program hands config/: its checks and the credentials its components require. */
export const PLATFORM_RULES: StackRules = { checks: platformChecks, credentials: credentialPaths };

/** The stack config with every check the program runs: what `pulumi up` would accept or report. */
export function parseStack(raw: RawStack): ParseResult {
  return parseStackConfig(raw, PLATFORM_RULES);
}
