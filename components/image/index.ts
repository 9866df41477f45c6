// The app image: a pinned reference, or built and pushed with @pulumi/docker, one image per Dockerfile
// target (web installs only what gunicorn imports; worker installs everything Celery needs).
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { ImagesConfig } from "../../config/schema/images";

export interface AppImageArgs {
  /** The validated `images` stack config. */
  readonly config: ImagesConfig;
}

export interface BuiltTarget {
  target: string;
  /** Where the push goes: `<repository>:<target>`. Workloads use the digest, never this tag. */
  imageName: string;
}

export class AppImage extends pulumi.ComponentResource {
  /** What the web service runs. */
  readonly web: pulumi.Input<string>;
  /** What Celery (workers and beat) runs. */
  readonly worker: pulumi.Input<string>;
  readonly source: "pinned" | "build";
  /** The targets built (empty for a pinned reference). */
  readonly targets: BuiltTarget[];

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:AppImage", name, {}, opts);
    const app = args.config.app;
    if (typeof app === "string") {
      this.source = "pinned";
      this.targets = [];
      this.web = app;
      this.worker = args.config.worker ?? app;
    } else {
      const b = app.build;
      this.source = "build";
      const build = (role: "web" | "worker") => {
        const target = b.targets[role];
        const imageName = `${b.repository}:${target}`;
        this.targets.push({ target, imageName });
        const image = new docker.Image(
          `${name}-${role}`,
          {
            imageName,
            build: {
              context: b.context,
              dockerfile: b.dockerfile,
              target,
              ...(b.platform ? { platform: b.platform } : {}),
              ...(Object.keys(b.args).length > 0 ? { args: b.args } : {}),
            },
            ...(b.registry
              ? { registry: { server: b.registry.server, username: b.registry.username, password: pulumi.secret(b.registry.password.reveal()) } }
              : {}),
          },
          { parent: this },
        );
        // The digest the push produced: a rebuild with new content changes it and rolls the pods; the
        // tag alone would not.
        return image.repoDigest;
      };
      this.targets = [];
      this.web = build("web");
      // One Dockerfile stage for both is allowed (a single-stage Dockerfile); build it once then.
      this.worker = b.targets.worker === b.targets.web ? this.web : build("worker");
    }
    this.registerOutputs({ web: this.web, worker: this.worker });
  }
}
