// A real Kubernetes control plane on 127.0.0.1, from the binaries cluster/build.sh built: etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and KWOK (fake nodes whose pods become Running
// and Ready without a kubelet). Certificates are made here with openssl; every port is picked free on
// 127.0.0.1 and every process is stopped by stop().
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Started, start, stop, unusedPort, waitFor } from "../real/support";
import type { Pieces } from "./bins";

export interface ControlPlane {
  kubeconfig: string;
  context: string;
  /** Every server's output so far, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

/** The context names the stack files use, so the shipped `kubernetes:context` values resolve as they are. */
export const CONTEXTS = ["rightsize-test", "kind-rightsize-dev", "prod-cluster"];

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
}

/** A CA, the apiserver's serving certificate, an admin client certificate and the service-account keys. */
function makeCertificates(dir: string): void {
  mkdirSync(dir, { recursive: true });
  openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=rightsize-test-ca"]);
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\n",
  );
  openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"]);
  openssl(dir, ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext"]);
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "admin.key", "-out", "admin.csr", "-subj", "/O=system:masters/CN=rightsize-admin"]);
  openssl(dir, ["x509", "-req", "-in", "admin.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "admin.crt", "-days", "2", "-extfile", "client.ext"]);
  openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

function kubeconfigYaml(server: string, pki: string): string {
  const contexts = CONTEXTS.map((c) => `- name: ${c}\n  context: {cluster: rightsize-test, user: rightsize-admin}`).join("\n");
  return `apiVersion: v1
kind: Config
clusters:
- name: rightsize-test
  cluster: {server: "${server}", certificate-authority: "${join(pki, "ca.crt")}"}
users:
- name: rightsize-admin
  user: {client-certificate: "${join(pki, "admin.crt")}", client-key: "${join(pki, "admin.key")}"}
contexts:
${contexts}
current-context: ${CONTEXTS[0]}
`;
}

async function healthy(url: string, pki: string): Promise<boolean> {
  // /readyz needs the client certificate; curl is simpler than wiring node's https agent for one probe.
  const r = spawnSync("curl", ["-sf", "--max-time", "2", "--cacert", join(pki, "ca.crt"), "--cert", join(pki, "admin.crt"), "--key", join(pki, "admin.key"), url], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "ok";
}

export async function startControlPlane(p: Pieces, dir: string): Promise<ControlPlane> {
  const pki = join(dir, "pki");
  makeCertificates(pki);
  const started: Array<[string, Started]> = [];
  const logs = () => started.map(([n, s]) => `--- ${n} ---\n${s.output().slice(-4000)}`).join("\n");
  const bin = (piece: string, name: string) => join(piece, "bin", name);
  try {
    const [etcdClient, etcdPeer, apiPort, cmPort, schedPort, kwokPort] = await Promise.all([unusedPort(), unusedPort(), unusedPort(), unusedPort(), unusedPort(), unusedPort()]);
    const etcd = start(bin(p.etcd, "etcd"), [
      "--name=rightsize",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=rightsize=http://127.0.0.1:${etcdPeer}`,
      "--listen-metrics-urls=",
      // a throwaway store: no fsync keeps a shared 2-core box's disk out of the apiserver's latency
      "--unsafe-no-fsync",
    ]);
    started.push(["etcd", etcd]);
    await waitFor(() => `etcd\n${etcd.output().slice(-2000)}`, 60, () => (spawnSync("curl", ["-sf", `http://127.0.0.1:${etcdClient}/health`]).status === 0 ? true : undefined));

    const server = `https://127.0.0.1:${apiPort}`;
    const api = start(bin(p.kubernetes, "kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${join(pki, "server.crt")}`,
      `--tls-private-key-file=${join(pki, "server.key")}`,
      `--client-ca-file=${join(pki, "ca.crt")}`,
      `--service-account-key-file=${join(pki, "sa.pub")}`,
      `--service-account-signing-key-file=${join(pki, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      // the loopback address is not a valid endpoint; nothing here dials the kubernetes Service
      "--endpoint-reconciler-type=none",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
    ]);
    started.push(["kube-apiserver", api]);
    await waitFor(() => `kube-apiserver /readyz\n${api.output().slice(-3000)}`, 120, async () => ((await healthy(`${server}/readyz`, pki)) ? true : undefined));

    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(server, pki));
    const common = [`--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`, "--bind-address=127.0.0.1", "--leader-elect=false"];
    started.push([
      "kube-controller-manager",
      start(bin(p.kubernetes, "kube-controller-manager"), [
        ...common,
        `--secure-port=${cmPort}`,
        `--cert-dir=${join(dir, "cm-certs")}`,
        `--service-account-private-key-file=${join(pki, "sa.key")}`,
        `--root-ca-file=${join(pki, "ca.crt")}`,
        "--use-service-account-credentials=false",
        "--controllers=*",
        // a fake node that stops heartbeating is not evicted from under a test for 5 minutes
        "--node-monitor-grace-period=120s",
      ]),
    ]);
    started.push(["kube-scheduler", start(bin(p.kubernetes, "kube-scheduler"), [...common, `--secure-port=${schedPort}`, `--cert-dir=${join(dir, "sched-certs")}`])]);
    const stages = readdirSync(join(p.kwok, "stage")).map((f) => `--config=${join(p.kwok, "stage", f)}`);
    started.push([
      "kwok",
      start(bin(p.kwok, "kwok"), [
        `--kubeconfig=${kubeconfig}`,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--cidr=10.0.0.1/16",
        "--node-ip=10.0.0.1",
        "--node-lease-duration-seconds=40",
        `--server-address=127.0.0.1:${kwokPort}`,
        ...stages,
      ]),
    ]);
    return {
      kubeconfig,
      context: CONTEXTS[0] as string,
      logs,
      async stop() {
        // dependants first, etcd last
        for (const [, s] of [...started].reverse()) await stop(s);
      },
    };
  } catch (e) {
    for (const [, s] of [...started].reverse()) await stop(s);
    throw new Error(`${(e as Error).message}\n${logs()}`);
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
