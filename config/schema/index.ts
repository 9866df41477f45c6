// The one schema for a whole stack: `rightsize:<key>` in Pulumi.<stack>.yaml, one key per concern.
import { z } from "zod";
import { dns1123LabelProblem, systemNamespaceProblem } from "../../model/k8s-rules";
import { budgetSchema } from "./budget";
import { k8sString } from "./common";
import { celerySchema } from "./celery";
import { extrasSchema } from "./extras";
import { imagesSchema } from "./images";
import { meilisearchSchema } from "./meilisearch";
import { postgresSchema } from "./postgres";
import { redisSchema } from "./redis";
import { playwrightSchema } from "./playwright";
import { webSchema } from "./web";

export const stackSchema = z.strictObject({
  /** dev or prod; defaults from the stack name (prod when it starts with "prod"). */
  environment: z.enum(["dev", "prod"]).optional(),
  /** A Namespace's name is a DNS label (core/v1 validation.go ValidateNamespaceName), and not the cluster's own. */
  namespace: k8sString((ns) => dns1123LabelProblem(ns) ?? systemNamespaceProblem(ns)).default("rightsize"),
  nodeBudget: budgetSchema,
  images: imagesSchema,
  web: webSchema.prefault({}),
  postgres: postgresSchema,
  redis: redisSchema,
  meilisearch: meilisearchSchema,
  /** Absent: no Celery at all (no workers, no beat, no broker client settings on web). */
  celery: celerySchema.optional(),
  /** Absent: no browser service. */
  playwright: playwrightSchema.optional(),
  extras: extrasSchema.prefault({}),
});

export type StackConfigInput = z.input<typeof stackSchema>;
export type StackConfig = Omit<z.output<typeof stackSchema>, "environment"> & {
  environment: "dev" | "prod";
  /** The Pulumi stack name. */
  stack: string;
};
