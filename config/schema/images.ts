import { z } from "zod";
import { pinnedImage } from "./common";

/** `images`: pinned references (a tag other than latest, or a digest). */
export const imagesSchema = z.strictObject({
  /** The application image that web (and Celery) run. */
  app: pinnedImage(),
});
export type ImagesConfig = z.output<typeof imagesSchema>;
