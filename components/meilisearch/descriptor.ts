// Meilisearch as the rest of the program sees it (components/descriptor.ts).
import type { MeilisearchConfig } from "../../config/schema/meilisearch";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { MEILISEARCH as ENDPOINT } from "../shared/endpoints";

export const MEILISEARCH: ComponentDescriptor<MeilisearchConfig> = {
  kind: COMPONENT.meilisearch,
  workloads: (c) => [{ name: ENDPOINT.name, configKey: "meilisearch", config: c.meilisearch }],
  credentials: () => ["meilisearch.masterKey"],
  headline: ["MEILI_MAX_INDEXING_MEMORY", "MEILI_MAX_INDEXING_THREADS", "MEILI_ENV"],
  reliedOn: ["MEILI_MAX_INDEXING_MEMORY", "MEILI_MAX_INDEXING_THREADS"],
};
