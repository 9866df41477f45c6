// rightsize-disallow-unpinned-image: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one, UNKNOWN } from "../helpers/policy";
import { changed, main } from "./fixtures";

const cases: Case[] = [
  [
    "an image with no tag",
    () => changed("StatefulSet", "postgres", (o) => (main(o).image = "registry.example.com:5000/postgres")),
    one(
      "rightsize-disallow-unpinned-image",
      "advisory",
      "StatefulSet/postgres",
      'StatefulSet postgres: container postgres image "registry.example.com:5000/postgres" has no tag; pin a version tag or an @sha256 digest',
    ),
  ],
  [
    "an image tagged latest",
    () => changed("StatefulSet", "postgres", (o) => (main(o).image = "postgres:latest")),
    one("rightsize-disallow-unpinned-image", "advisory", "StatefulSet/postgres", 'StatefulSet postgres: container postgres image "postgres:latest" uses the latest tag; pin a version tag or an @sha256 digest'),
  ],
];

describe("rightsize-disallow-unpinned-image", () => {
  eachCase(cases);

  it("a digest pins an image even without a tag", async () => {
    const objects = changed("StatefulSet", "postgres", (o) => (main(o).image = `postgres@sha256:${"a".repeat(64)}`));
    expect(await evaluate(objects)).toEqual([]);
  });

  it("an unknown image is named by the policy that needed it, never passed", async () => {
    const objects = changed("Deployment", "web", (o) => (main(o).image = UNKNOWN));
    expect(await evaluate(objects)).toEqual(
      one(
        "rightsize-disallow-unpinned-image",
        "advisory",
        "Deployment/web",
        "Deployment web: cannot be checked at preview: string value at .spec.template.spec.containers.0.image can't be known during preview",
      ),
    );
  });
});
