import { describe, expect, it } from "vitest";
import { buildSchema, DEFAULT_PLAYWRIGHT_IMAGE, imagesSchema } from "../../../config/schema/images";
import { problemsAt } from "../../helpers/schema";

const build = (over: Record<string, unknown> = {}) => ({ build: { repository: "registry.example.com/team/app", ...over } });

describe("images schema", () => {
  it("defaults the data layer to the versions the real-software checks run", () => {
    expect(imagesSchema.parse({ app: "registry.example.com/app:1.0.0" })).toEqual({
      app: "registry.example.com/app:1.0.0",
      playwright: "ghcr.io/browserless/chromium:v2.38.2",
      postgres: "postgres:15.10-bookworm",
      redis: "redis:7.0.15-bookworm",
      meilisearch: "getmeili/meilisearch:v1.11.3",
      pgbouncer: "edoburu/pgbouncer:1.18.0",
    });
    expect(DEFAULT_PLAYWRIGHT_IMAGE).toBe("ghcr.io/browserless/chromium:v2.38.2");
  });

  it("fills a build spec's defaults", () => {
    expect(buildSchema.parse(build().build)).toEqual({
      context: ".",
      dockerfile: "Dockerfile",
      targets: { web: "web", worker: "worker" },
      repository: "registry.example.com/team/app",
      args: {},
    });
    expect(problemsAt("images.app", build({ repository: "registry.example.com:5000/team/app", platform: "linux/arm64/v8", targets: { worker: "celery-worker" } }))).toEqual([]);
  });

  it("wants every image pinned", () => {
    expect(problemsAt("images.playwright", "ghcr.io/browserless/chromium")).toEqual(['images.playwright: image has no tag: pin a version tag or a digest (got "ghcr.io/browserless/chromium")']);
    expect(problemsAt("images.postgres", "postgres:latest")).toEqual(['images.postgres: image uses the tag `latest`: pin a version tag or a digest (got "postgres:latest")']);
    expect(problemsAt("images.app", "registry.example.com/App:1")).toEqual(['images.app: image is not an image reference: the repository path must be lower case (got "registry.example.com/App:1")']);
    expect(problemsAt("images.app", undefined)).toEqual(["images.app: is required"]);
  });

  it("says what images.app may be when it is neither a reference nor a build spec", () => {
    expect(problemsAt("images.app", 3)).toEqual(["images.app: must be a pinned image reference such as registry.example.com/app:1.4.2, or a build spec {build: {repository: ...}} (got 3)"]);
    expect(problemsAt("images.app", ["x"])).toEqual(['images.app: must be a pinned image reference such as registry.example.com/app:1.4.2, or a build spec {build: {repository: ...}} (got ["x"])']);
  });

  it("reports the build spec's own problems under images.app.build", () => {
    expect(problemsAt("images.app", {})).toEqual(["images.app.build: is required"]);
    expect(problemsAt("images.app", { build: {} })).toEqual(["images.app.build.repository: is required"]);
    expect(problemsAt("images.app", build({ repository: "registry.example.com/app:1" }))).toEqual([
      'images.app.build.repository: must be a repository such as registry.example.com/team/app, without a tag or digest (got "registry.example.com/app:1")',
    ]);
    // A repository needs a path after the registry host.
    expect(problemsAt("images.app", build({ repository: "app" }))).toEqual(['images.app.build.repository: must be a repository such as registry.example.com/team/app, without a tag or digest (got "app")']);
    expect(problemsAt("images.app", build({ targets: { web: "Web" }, platform: "linux", args: { "1A": "x" } }))).toEqual([
      'images.app.build.targets.web: must be a Dockerfile stage name (lower case, digits, . _ -) (got "Web")',
      'images.app.build.platform: must be os/arch such as linux/amd64 (got "linux")',
      'images.app.build.args.1A: the name must be a build argument name (got "1A")',
    ]);
    expect(problemsAt("images.app", build({ registry: { server: "r" } }))).toEqual(["images.app.build.registry.username: is required", "images.app.build.registry.password: is required"]);
  });

  it("caps a target name at 128 characters, as Docker does", () => {
    expect(problemsAt("images.app", build({ targets: { web: "w".repeat(128) } }))).toEqual([]);
    expect(problemsAt("images.app", build({ targets: { web: "w".repeat(129) } }))).toHaveLength(1);
  });

  it("says an empty path or password is empty", () => {
    expect(problemsAt("images.app", build({ context: "" }))).toEqual(['images.app.build.context: must not be empty (got "")']);
    expect(problemsAt("images.app", build({ registry: { server: "r", username: "u", password: "" } }))).toEqual([
      'images.app.build.registry.password: must not be empty (got "[secret of 0 characters]")',
    ]);
  });

  it("refuses a separate worker image beside a build spec, whose worker target is the Celery image", () => {
    expect(problemsAt("images.worker", "registry.example.com/worker:2")).toEqual([]);
    expect(problemsAt("images", { app: build(), worker: "registry.example.com/worker:2" })).toEqual([
      'images.worker: cannot be set when images.app is a build spec: the build\'s worker target is the Celery image (got "registry.example.com/worker:2")',
    ]);
  });

  it("names the keys it knows", () => {
    expect(problemsAt("images.foo", "x:1")).toEqual(["images.foo: unknown key (known keys: app, worker, playwright, postgres, redis, meilisearch, pgbouncer)"]);
  });
});
