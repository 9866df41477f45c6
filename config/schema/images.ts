import { z } from "zod";
import { pinnedImage } from "./common";

/** `images`: pinned references (a tag other than latest, or a digest). */
export const imagesSchema = z.strictObject({
  /** The application image that web (and Celery) run. */
  app: pinnedImage(),
  // Data layer: the major versions Debian ships here (postgresql 15, redis-server 7.0), so the checks
  // against the real software test what runs; the components assume these images' UIDs and layouts.
  postgres: pinnedImage().default("postgres:15.10-bookworm"),
  redis: pinnedImage().default("redis:7.0.15-bookworm"),
  meilisearch: pinnedImage().default("getmeili/meilisearch:v1.11.3"),
});
export type ImagesConfig = z.output<typeof imagesSchema>;
