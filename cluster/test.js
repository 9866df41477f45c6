// npm run test:cluster [-- --kubeconfig FILE --context NAME] [vitest args]: the cluster suite. With a
// kubeconfig it runs on that cluster with the `pulumi` and `kubectl` on PATH; without, on the control
// plane that cluster/build.sh built (the tests start and stop it). A kubeconfig the suite cannot use (no
// such file, no such context, no pulumi or kubectl on PATH, a server that does not answer) is one line on
// stderr and exit 2, before vitest starts.
"use strict";
const { spawnSync } = require("node:child_process");
const { resolve } = require("node:path");

function usage(msg) {
  console.error(`test:cluster: ${msg}`);
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const rest = [];
  const env = { ...process.env };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf("=");
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag === "--kubeconfig" || flag === "--context") {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (!v || v.startsWith("--")) usage(`${flag} needs a value`);
      env[flag === "--kubeconfig" ? "RIGHTSIZE_KUBECONFIG" : "RIGHTSIZE_KUBE_CONTEXT"] = flag === "--kubeconfig" ? resolve(v) : v;
    } else rest.push(a);
  }
  if (env.RIGHTSIZE_KUBE_CONTEXT && !env.RIGHTSIZE_KUBECONFIG) usage("--context needs --kubeconfig FILE too");
  if (env.RIGHTSIZE_KUBECONFIG) {
    if (!env.RIGHTSIZE_KUBE_CONTEXT) usage("--kubeconfig needs --context NAME too (the context the stacks are pointed at)");
    require("../tools/harness/register.js");
    const { externalProblem } = require("./external.ts");
    const problem = await externalProblem(env.RIGHTSIZE_KUBECONFIG, env.RIGHTSIZE_KUBE_CONTEXT, env.PATH);
    if (problem) usage(problem);
  }
  const vitest = resolve(__dirname, "..", "node_modules", "vitest", "vitest.mjs");
  const r = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.cluster.config.ts", ...rest], { stdio: "inherit", env, cwd: resolve(__dirname, "..") });
  process.exit(r.status ?? 1);
}

main().catch((e) => usage(e && e.message ? e.message.split("\n")[0] : String(e)));
