import { z } from "zod";
import { parseImageReference } from "../../model/k8s-rules";
import { pinnedImage, secretString } from "./common";

// A repository to push to: registry host (optionally with port) and path, without a tag or digest.
const repository = z.string().superRefine((repo, ctx) => {
  // distribution/reference's name grammar (model/k8s-rules.ts), with a registry and no tag or digest.
  const ref = parseImageReference(repo);
  if (typeof ref === "string" || ref.tag !== undefined || ref.digest !== undefined || !repo.includes("/")) {
    ctx.addIssue({ code: "custom", message: "must be a repository such as registry.example.com/team/app, without a tag or digest", input: repo });
  }
});
/** A Dockerfile stage name (`FROM ... AS <name>`), which is also used as the pushed tag. */
const target = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, { error: "must be a Dockerfile stage name (lower case, digits, . _ -)" });

/**
 * `images.app.build`: build the app image from a Dockerfile and push it. Each target is pushed as
 * `<repository>:<target>`; workloads run the digest the push produced, never the moving tag.
 */
export const buildSchema = z.strictObject({
  /** Build context, relative to the Pulumi project directory. */
  context: z.string().min(1).default("."),
  /** Dockerfile, relative to the project directory. */
  dockerfile: z.string().min(1).default("Dockerfile"),
  /** Stage names: `web` installs only what the web service imports; `worker` everything Celery needs. */
  targets: z.strictObject({ web: target.default("web"), worker: target.default("worker") }).prefault({}),
  repository,
  /** e.g. linux/amd64 when building on another architecture than the nodes run. */
  platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, { error: "must be os/arch such as linux/amd64" }).optional(),
  /** Build arguments (not secrets: they end up in the image history). */
  args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be a build argument name" }), z.string()).prefault({}),
  /** Push credentials; without them the Docker provider uses the local Docker credentials. */
  registry: z
    .strictObject({
      server: z.string().min(1),
      username: z.string().min(1),
      password: secretString(1),
    })
    .optional(),
});
export type BuildSpec = z.output<typeof buildSchema>;

/** Default browser service image: browserless' Chromium build (Playwright + Chromium, HTTP management API). */
export const DEFAULT_PLAYWRIGHT_IMAGE = "ghcr.io/browserless/chromium:v2.38.2";

/** `images`: pinned references (a tag other than latest, or a digest), or for the app a build spec. */
export const imagesSchema = z
  .strictObject({
    /** The application image that web and Celery run: a pinned reference, or `{build: {...}}`. */
    app: z.union([pinnedImage(), z.strictObject({ build: buildSchema })], {
      error: "must be a pinned image reference such as registry.example.com/app:1.4.2, or a build spec {build: {repository: ...}}",
    }),
    /** A separate pinned image for Celery (worker and beat) when `app` is a pinned reference. */
    worker: pinnedImage().optional(),
    /** The browser service. */
    playwright: pinnedImage().default(DEFAULT_PLAYWRIGHT_IMAGE),
    // Data layer: the major versions Debian ships here (postgresql 15, redis-server 7.0), so the checks
    // against the real software test what runs; the components assume these images' UIDs and layouts.
    postgres: pinnedImage().default("postgres:15.10-bookworm"),
    redis: pinnedImage().default("redis:7.0.15-bookworm"),
    meilisearch: pinnedImage().default("getmeili/meilisearch:v1.11.3"),
    // PgBouncer 1.18, the version Debian 12 ships and the real tests run; the component runs its binary
    // with the rendered pgbouncer.ini, not the image's env-driven entrypoint.
    pgbouncer: pinnedImage().default("edoburu/pgbouncer:1.18.0"),
  })
  .superRefine((i, ctx) => {
    if (i.worker !== undefined && typeof i.app !== "string") {
      ctx.addIssue({
        code: "custom",
        path: ["worker"],
        message: "cannot be set when images.app is a build spec: the build's worker target is the Celery image",
        input: i.worker,
      });
    }
  });
export type ImagesConfig = z.output<typeof imagesSchema>;
