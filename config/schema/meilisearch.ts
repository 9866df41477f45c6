import { z } from "zod";
import { resources, secondsField, secretString, size, volumeShape } from "./common";

/** `meilisearch`: one Meilisearch v1 instance; 1 GiB / 1.5 CPU by default (a small platform's size), memory request = limit. */
export const meilisearchSchema = z
  .strictObject({
    resources: resources({ requests: { cpu: "500m" }, limits: { cpu: "1500m", memory: "1Gi" } }),
    /** The volume mounted at /meili_data (database, dumps, snapshots). */
    storage: z.strictObject(volumeShape("10Gi")).prefault({}),
    /** MEILI_MASTER_KEY; Meilisearch's production mode needs at least 16 bytes. */
    masterKey: secretString(16),
    /** MEILI_HTTP_PAYLOAD_SIZE_LIMIT: the largest request body (a document batch). */
    httpPayloadSizeLimit: size().prefault("100Mi"),
    /** Override of MEILI_MAX_INDEXING_MEMORY (derived: half the memory limit); checked against the limit. */
    maxIndexingMemory: size().optional(),
    /** Override of MEILI_MAX_INDEXING_THREADS (derived: half the CPU limit, at least 1). */
    maxIndexingThreads: z.number().int().min(1).max(1024).optional(),
    /** The disk-backed emptyDir at /tmp, where the indexer spills its sorters. */
    tmpSize: size().prefault("1Gi"),
    probes: z
      .strictObject({
        /** Longest start before the startup probe gives up: a dump import happens before /health answers. */
        startupTimeout: secondsField(60, 86400).prefault(1800),
      })
      .prefault({}),
  })
  .prefault({ masterKey: undefined });
export type MeilisearchConfig = z.output<typeof meilisearchSchema>;
