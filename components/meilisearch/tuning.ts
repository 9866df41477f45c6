// Meilisearch options derived from the container's limits. Pure: no @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import { formatCpu, formatMemory } from "../../model/quantity";
import type { MeilisearchConfig } from "../../config/schema/meilisearch";
import { type Bytes, bytes, MiB, type Seconds, seconds } from "../../model/units";

/** Options keyed as Meilisearch's environment variables spell them, valued as it takes them. */
export interface MeilisearchSettings {
  MEILI_ENV: "production" | "development";
  /** Bytes: Meilisearch takes a plain integer as bytes, the one form with no unit to misread. */
  MEILI_MAX_INDEXING_MEMORY: number;
  MEILI_MAX_INDEXING_THREADS: number;
  MEILI_HTTP_PAYLOAD_SIZE_LIMIT: number;
}

/**
 * Half the memory limit, in whole MiB. It bounds the indexer's buffers, not the process: LMDB maps the
 * database outside it and the kernel charges those pages to the container too, hence only half.
 */
export function maxIndexingMemoryCeiling(m: MeilisearchConfig): Bytes {
  return bytes(Math.floor(m.resources.limits.memory / 2 / MiB) * MiB);
}

/** Half the CPU limit's whole cores, at least 1, so searches keep a core while it indexes. */
export function derivedIndexingThreads(m: MeilisearchConfig): number {
  return Math.max(1, Math.floor(m.resources.limits.cpu / 2000));
}

export function meilisearchSettings(m: MeilisearchConfig, environment: "dev" | "prod"): MeilisearchSettings {
  return {
    MEILI_ENV: environment === "prod" ? "production" : "development",
    MEILI_MAX_INDEXING_MEMORY: m.maxIndexingMemory ?? maxIndexingMemoryCeiling(m),
    MEILI_MAX_INDEXING_THREADS: m.maxIndexingThreads ?? derivedIndexingThreads(m),
    MEILI_HTTP_PAYLOAD_SIZE_LIMIT: m.httpPayloadSizeLimit,
  };
}

/** Overrides checked against the limits. */
export function checkMeilisearch(m: MeilisearchConfig, key = "meilisearch"): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const ceiling = maxIndexingMemoryCeiling(m);
  if (m.maxIndexingMemory !== undefined && m.maxIndexingMemory > ceiling) {
    out.push(
      issue(
        `${key}.maxIndexingMemory`,
        `is more than half of limits.memory ${formatMemory(m.resources.limits.memory)} (${formatMemory(ceiling)}): LMDB maps the database outside it, inside the same limit`,
        formatMemory(m.maxIndexingMemory),
      ),
    );
  }
  const cores = Math.max(1, Math.ceil(m.resources.limits.cpu / 1000));
  if (m.maxIndexingThreads !== undefined && m.maxIndexingThreads > cores) {
    out.push(
      issue(
        `${key}.maxIndexingThreads`,
        `is more than the ${cores} cores limits.cpu ${formatCpu(m.resources.limits.cpu)} allows: the extra threads only wait for CPU time and slow searches`,
        m.maxIndexingThreads,
      ),
    );
  }
  if (m.httpPayloadSizeLimit > m.resources.limits.memory / 2) {
    out.push(
      issue(
        `${key}.httpPayloadSizeLimit`,
        `is more than half of limits.memory ${formatMemory(m.resources.limits.memory)}: one request body is held in memory while it is indexed`,
        formatMemory(m.httpPayloadSizeLimit),
      ),
    );
  }
  return out;
}

/** The environment as a ConfigMap holds it: every value a string. */
export function meilisearchEnv(s: MeilisearchSettings, at: { dbPath: string; port: number }): Record<string, string> {
  return {
    MEILI_DB_PATH: at.dbPath,
    MEILI_HTTP_ADDR: `0.0.0.0:${at.port}`,
    MEILI_NO_ANALYTICS: "true",
    MEILI_DUMP_DIR: "/meili_data/dumps",
    MEILI_SNAPSHOT_DIR: "/meili_data/snapshots",
    ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])),
  };
}

/** Meilisearch stops on SIGTERM; LMDB is crash-safe, so this only lets in-flight requests finish. */
export function terminationGracePeriod(): Seconds {
  return seconds(60);
}
