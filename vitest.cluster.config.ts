import { defineConfig } from "vitest/config";

// npm run test:cluster: the real Pulumi CLI and Kubernetes provider on a real control plane (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and KWOK built by cluster/build.sh), or on the
// cluster given with `-- --kubeconfig FILE --context NAME`. One file at a time: each starts its own
// control plane and the box has two cores.
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
