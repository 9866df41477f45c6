// npm run test:cluster [-- --kubeconfig FILE --context NAME] [vitest args]: the cluster suite. With a
// kubeconfig it runs on that cluster with the `pulumi` on PATH; without, on the control plane that
// cluster/build.sh built (the tests start and stop it).
const { spawnSync } = require("node:child_process");
const { resolve } = require("node:path");

const args = process.argv.slice(2);
const rest = [];
const env = { ...process.env };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.split("=", 2);
  if (flag === "--kubeconfig" || flag === "--context") {
    const v = inline ?? args[++i];
    if (!v) {
      console.error(`${flag} needs a value`);
      process.exit(2);
    }
    env[flag === "--kubeconfig" ? "RIGHTSIZE_KUBECONFIG" : "RIGHTSIZE_KUBE_CONTEXT"] = flag === "--kubeconfig" ? resolve(v) : v;
  } else rest.push(a);
}
if (env.RIGHTSIZE_KUBECONFIG && !env.RIGHTSIZE_KUBE_CONTEXT) {
  console.error("--kubeconfig needs --context NAME too (the context the stacks are pointed at)");
  process.exit(2);
}
const vitest = resolve(__dirname, "..", "node_modules", "vitest", "vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.cluster.config.ts", ...rest], { stdio: "inherit", env });
process.exit(r.status ?? 1);
