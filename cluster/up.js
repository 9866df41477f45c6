// node cluster/up.js --kubeconfig FILE [--context NAME] [--nodes N] [--cpu C] [--memory M] [--pulumi-home DIR]
//
// The from-source control plane (cluster/build.sh's etcd, kube-apiserver, controller-manager, scheduler
// and KWOK) started as a cluster of its own, standing in for kind or k3d so that
// `npm run test:cluster -- --kubeconfig FILE --context NAME` can be run here. It writes FILE with the one
// context NAME (default rightsize-external), and stays up until SIGINT or SIGTERM, then stops every server.
// What a kind cluster has, it has too, and nothing the suite would otherwise set up for the stack:
//   - N KWOK nodes (default 3) of C CPU and M memory (default 4 and 16Gi), not sized from any nodeBudget;
//   - a default StorageClass `standard` and a loop that makes a volume for each Pending claim of it (the
//     part kind's local-path provisioner plays);
//   - KEDA's CRDs (the vendored ones the default mode applies), as on a cluster with KEDA installed.
// With --pulumi-home DIR it also installs the built provider in DIR as the plugin the SDK asks for, which
// is what an official CLI downloads into ~/.pulumi on first use (no plugin download is possible here).
// Prints `ready` and the variables to export once the nodes are Ready.
"use strict";
require("../tools/harness/register.js");
const { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { dirname, join, resolve } = require("node:path");
const { kubernetesPluginVersion, missingBinaries, pieces } = require("../test/cluster/bins.ts");
const { removeDir, startControlPlane } = require("../test/cluster/controlplane.ts");
const { applyKedaCrds, Kube } = require("../test/cluster/kube.ts");
const { quantity } = require("./external.ts");

function fail(msg) {
  console.error(`cluster/up.js: ${msg}`);
  process.exit(2);
}

function options(argv) {
  const o = { kubeconfig: undefined, context: "rightsize-external", nodes: "3", cpu: "4", memory: "16Gi", "pulumi-home": undefined };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf("=");
    const key = (eq > 0 ? argv[i].slice(0, eq) : argv[i]).replace(/^--/, "");
    if (!argv[i].startsWith("--") || !(key in o)) fail(`unknown argument ${argv[i]}`);
    const v = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (v === undefined || v.startsWith("--")) fail(`--${key} needs a value`);
    o[key] = v;
  }
  if (!o.kubeconfig) fail("--kubeconfig FILE is required (where to write the cluster's kubeconfig)");
  if (!/^[1-9][0-9]*$/.test(o.nodes)) fail(`--nodes must be a positive whole number, got ${JSON.stringify(o.nodes)}`);
  for (const k of ["cpu", "memory"]) {
    let n;
    try {
      n = quantity(o[k]);
    } catch {
      n = NaN;
    }
    if (!(n > 0)) fail(`--${k} must be a positive Kubernetes quantity, got ${JSON.stringify(o[k])}`);
  }
  return o;
}

/** Every Pending claim of the `standard` class gets a volume reserved for it, as a provisioner would make. */
function provisionOnce(kube) {
  const claims = kube.json(["get", "pvc", "--all-namespaces"]).items.filter((c) => c.status?.phase === "Pending" && !c.spec.volumeName && c.spec.storageClassName === "standard");
  if (claims.length === 0) return;
  const pvs = claims.map((c) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `pvc-${c.metadata.uid}`, labels: { "rightsize.io/external-provisioned": "true" } },
    spec: {
      capacity: { storage: c.spec.resources.requests.storage },
      accessModes: c.spec.accessModes,
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "standard",
      claimRef: { namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid },
      hostPath: { path: `/tmp/rightsize-external-volumes/${c.metadata.namespace}/${c.metadata.name}` },
    },
  }));
  kube.apply(pvs);
}

async function main() {
  const o = options(process.argv.slice(2));
  const p = pieces();
  const missing = missingBinaries([join(p.etcd, "bin", "etcd"), join(p.kubernetes, "bin", "kube-apiserver"), join(p.kwok, "bin", "kwok")]);
  if (missing.length > 0) fail(`not built: ${missing.join(" ")}; run: bash cluster/build.sh`);
  const dir = mkdtempSync(join(tmpdir(), "rightsize-external-"));
  let cp;
  let timer;
  const shutdown = async (code) => {
    clearInterval(timer);
    await cp?.stop();
    removeDir(dir);
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  try {
    cp = await startControlPlane(p, join(dir, "cluster"));
    // the kubeconfig a user would have: one cluster, one user, the one context asked for
    const src = new Kube(join(p.kubernetes, "bin", "kubectl"), cp.kubeconfig, cp.context);
    const view = JSON.parse(src.ok(["config", "view", "--raw", "--flatten", "--minify", "-o", "json"]));
    view.clusters[0].name = o.context;
    view.users[0].name = `${o.context}-admin`;
    view.contexts = [{ name: o.context, context: { cluster: o.context, user: `${o.context}-admin` } }];
    view["current-context"] = o.context;
    const file = resolve(o.kubeconfig);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(view, null, 2), { mode: 0o600 });
    const kube = new Kube(join(p.kubernetes, "bin", "kubectl"), file, o.context);

    applyKedaCrds(kube);
    kube.apply([
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "rightsize.io/external-hostpath",
        reclaimPolicy: "Retain",
        volumeBindingMode: "Immediate",
      },
    ]);
    const cpu = `${Math.round(quantity(o.cpu) * 1000)}m`;
    const names = Array.from({ length: Number(o.nodes) }, (_, i) => `external-node-${i}`);
    const nodes = names.map((name) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
      },
      status: { capacity: { cpu, memory: o.memory, pods: "110" }, allocatable: { cpu, memory: o.memory, pods: "110" } },
    }));
    kube.ok(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: nodes }));
    kube.ok(["wait", "--for=condition=Ready", "--timeout=120s", ...names.map((n) => `node/${n}`)]);
    timer = setInterval(() => {
      try {
        provisionOnce(kube);
      } catch (e) {
        console.error(`provisioner: ${e.message.split("\n")[0]}`);
      }
    }, 2000);

    const exports = [`PATH=${join(p.pulumi, "bin")}:${join(p.kubernetes, "bin")}:$PATH`];
    if (o["pulumi-home"]) {
      const home = resolve(o["pulumi-home"]);
      const plugin = join(home, "plugins", `resource-kubernetes-v${kubernetesPluginVersion()}`);
      mkdirSync(plugin, { recursive: true });
      copyFileSync(join(p.pulumiKubernetes, "bin", "pulumi-resource-kubernetes"), join(plugin, "pulumi-resource-kubernetes"));
      copyFileSync(join(p.pulumiKubernetes, ".stamp"), join(plugin, ".rightsize-build-stamp"));
      exports.push(`PULUMI_HOME=${home}`);
    }
    console.log(`ready: context ${o.context} in ${file}, ${names.length} node(s) of ${cpu} CPU and ${o.memory}`);
    console.log(`export ${exports.join(" ")}`);
  } catch (e) {
    console.error(`cluster/up.js: ${e.message}`);
    await shutdown(1);
  }
}

main();
