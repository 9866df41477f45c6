import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AppImage } from "../../../components/image";
import { placeholderDigest, repositoryOf, UNBUILT_DIGEST } from "../../../tools/harness/offline";
import type { Registered } from "../../../tools/harness/program";
import { appImageReport } from "../../../tools/capacity/build-plan";
import { collect, useMocks } from "../../helpers/mocks";
import { baseValues, problems, PROD_SECRET_KEYS, set, valid } from "../../helpers/stack";

const build = { repository: "registry.example.com/rightsize/app", context: "app", dockerfile: "app/Dockerfile", args: { PYTHON: "3.12" } };

function value<T>(i: pulumi.Input<T>): Promise<T> {
  return new Promise((res) => pulumi.output(i).apply((v) => res(v as T)));
}

describe("the app image", () => {
  let pinned: AppImage;
  let built: AppImage;
  let resources: Registered[];
  beforeAll(async () => {
    useMocks();
    await collect(() => {
      pinned = new AppImage("pinned", { config: valid(set(baseValues(), "images.worker", "registry.example.com/rightsize/app:1.0.0-worker")).images });
    });
    resources = (
      await collect(() => {
        built = new AppImage("app-image", { config: valid(set(baseValues(), "images.app", { build })).images });
      })
    ).resources;
  });

  it("a pinned reference is used as is, with an optional separate worker image", async () => {
    expect(pinned.source).toBe("pinned");
    expect(pinned.web).toBe("registry.example.com/rightsize/app:1.0.0");
    expect(pinned.worker).toBe("registry.example.com/rightsize/app:1.0.0-worker");
  });

  it("a build spec builds and pushes one image per target", () => {
    const images = resources.filter((r) => r.type === "docker:index/image:Image");
    expect(images.map((r) => r.inputs)).toEqual([
      // The SDK fills in buildOnPreview and skipPush: a preview never builds, an update always pushes.
      { imageName: "registry.example.com/rightsize/app:web", build: { context: "app", dockerfile: "app/Dockerfile", target: "web", args: { PYTHON: "3.12" } }, buildOnPreview: false, skipPush: false },
      { imageName: "registry.example.com/rightsize/app:worker", build: { context: "app", dockerfile: "app/Dockerfile", target: "worker", args: { PYTHON: "3.12" } }, buildOnPreview: false, skipPush: false },
    ]);
    expect(built.targets).toEqual([
      { target: "web", imageName: "registry.example.com/rightsize/app:web" },
      { target: "worker", imageName: "registry.example.com/rightsize/app:worker" },
    ]);
  });

  it("workloads get the pushed digest; offline that is the all-zero placeholder", async () => {
    expect(await value(built.web)).toBe(`registry.example.com/rightsize/app@${UNBUILT_DIGEST}`);
    expect(await value(built.worker)).toBe(`registry.example.com/rightsize/app@${UNBUILT_DIGEST}`);
    expect(appImageReport(resources)).toEqual({
      source: "build",
      built: false,
      note: "build spec, not built offline: workloads show a placeholder digest of zeros",
      targets: [
        { target: "web", imageName: "registry.example.com/rightsize/app:web", placeholder: `registry.example.com/rightsize/app@${UNBUILT_DIGEST}` },
        { target: "worker", imageName: "registry.example.com/rightsize/app:worker", placeholder: `registry.example.com/rightsize/app@${UNBUILT_DIGEST}` },
      ],
    });
  });

  it("repository names keep a registry port", () => {
    expect(repositoryOf("localhost:5000/app:web")).toBe("localhost:5000/app");
    expect(repositoryOf("localhost:5000/app")).toBe("localhost:5000/app");
    expect(placeholderDigest("r.example.com/a/b@sha256:abc")).toBe(`r.example.com/a/b@${UNBUILT_DIGEST}`);
  });
});

describe("images config", () => {
  it("rejects a tag in the repository, a worker image beside a build, and plain-text push credentials in prod", () => {
    expect(problems(set(baseValues(), "images.app", { build: { repository: "registry.example.com/app:1" } }))).toEqual([
      'images.app.build.repository: must be a repository such as registry.example.com/team/app, without a tag or digest (got "registry.example.com/app:1")',
    ]);
    expect(problems(set(set(baseValues(), "images.app", { build }), "images.worker", "registry.example.com/w:1"))).toEqual([
      'images.worker: cannot be set when images.app is a build spec: the build\'s worker target is the Celery image (got "registry.example.com/w:1")',
    ]);
    const withCreds = set(baseValues(), "images.app", { build: { ...build, registry: { server: "registry.example.com", username: "ci", password: "a-long-password" } } });
    expect(problems(withCreds, "prod", PROD_SECRET_KEYS)).toEqual([
      "images.app.build.registry.password: must be stored encrypted in prod: set it with `pulumi config set --secret --path images.app.build.registry.password ...`",
    ]);
    expect(problems(withCreds, "prod", [...PROD_SECRET_KEYS, "images"])).toEqual([]);
    expect(problems(set(baseValues(), "images.app", "registry.example.com/app"))).toEqual([
      'images.app: image has no tag: pin a version tag or a digest (got "registry.example.com/app")',
    ]);
  });
});
