// Where the from-source pieces are: cluster/build.sh builds each into a cache folder keyed by version
// (${RIGHTSIZE_CACHE:-/var/cache/rightsize}/<piece>-<version>/bin) and prints those folders.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/run";

export interface Pieces {
  kubernetes: string;
  etcd: string;
  kwok: string;
  pulumi: string;
  pulumiKubernetes: string;
}

/** The version the SDK asks for (`@pulumi/kubernetes`'s install script names it): the plugin folder's name. */
export function kubernetesPluginVersion(): string {
  const pkg = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")) as { pulumi?: { version?: string }; version: string };
  return pkg.pulumi?.version ?? pkg.version;
}

export function pieces(): Pieces {
  const r = spawnSync("bash", [join(ROOT, "cluster", "build.sh"), "--print-env"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cluster/build.sh --print-env failed: ${r.stderr}`);
  const env = Object.fromEntries(
    r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const get = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`cluster/build.sh --print-env printed no ${k}`);
    return v;
  };
  return {
    kubernetes: get("RIGHTSIZE_KUBERNETES_DIR"),
    etcd: get("RIGHTSIZE_ETCD_DIR"),
    kwok: get("RIGHTSIZE_KWOK_DIR"),
    pulumi: get("RIGHTSIZE_PULUMI_DIR"),
    pulumiKubernetes: get("RIGHTSIZE_PULUMI_KUBERNETES_DIR"),
  };
}

/** The binaries a piece needs that are not built yet (run `bash cluster/build.sh` to build them). */
export function missingBinaries(paths: string[]): string[] {
  return paths.filter((p) => !existsSync(p));
}
