// An image without a tag, or tagged latest, changes under the stack without a diff: a rollout or a node
// replacement pulls whatever the registry has now.
import { containersOf, describeObject, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

/** The tag of an image reference, undefined when it has none; a digest pins it regardless. */
export function imagePin(image: string): { digest: true } | { tag: string | undefined } {
  if (image.includes("@sha256:")) return { digest: true };
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  return { tag: colon >= 0 ? lastSegment.slice(colon + 1) : undefined };
}

export const disallowUnpinnedImage = resourcePolicy({
  name: "rightsize-disallow-unpinned-image",
  description: "Every container image is pinned to a version tag or a digest (no tag, and latest, are not pins).",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) => {
      const image = c?.image;
      if (typeof image !== "string" || image === "") return [`${describeObject(o)}: ${label} has no image`];
      const pin = imagePin(image);
      if ("digest" in pin) return [];
      if (pin.tag === undefined) return [`${describeObject(o)}: ${label} image "${image}" has no tag; pin a version tag or an @sha256 digest`];
      if (pin.tag === "latest") return [`${describeObject(o)}: ${label} image "${image}" uses the latest tag; pin a version tag or an @sha256 digest`];
      return [];
    }),
});
