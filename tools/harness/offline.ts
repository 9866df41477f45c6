// What an image build looks like when no build can run (plan, render, tests under Pulumi mocks). Pure.

/** The Pulumi type of @pulumi/docker's Image. */
export const DOCKER_IMAGE_TYPE = "docker:index/image:Image";

/**
 * The digest plan and render show for an image that was not built: all zeros, which no real build
 * produces, so a rendered manifest with it is recognisably a placeholder, yet still a valid, pinned
 * reference for the Kubernetes schema and the policies.
 */
export const UNBUILT_DIGEST = `sha256:${"0".repeat(64)}`;

/** `registry.example.com/app:web` -> `registry.example.com/app`; a port's colon is kept. */
export function repositoryOf(imageName: string): string {
  const at = imageName.indexOf("@");
  const name = at >= 0 ? imageName.slice(0, at) : imageName;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}

/** The repoDigest a mock build reports. */
export function placeholderDigest(imageName: string): string {
  return `${repositoryOf(imageName)}@${UNBUILT_DIGEST}`;
}
