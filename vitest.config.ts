import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The tests load the policies in-process beside the root's @pulumi/policy; with the pack's own install
  // (policies/node_modules) they would load a second copy, whose unknown-value errors the first does not
  // recognise. One process, one copy: the pack's own install is for the pack's own process.
  resolve: { alias: [{ find: /^@pulumi\/policy$/, replacement: join(__dirname, "node_modules", "@pulumi", "policy") }] },
  test: {
    include: ["test/**/*.test.ts"],
    // The real-software, limits and cluster suites have their own commands (npm run test:real, test:limits,
    // test:cluster): they need Debian packages, cgroups, and the pieces cluster/build.sh builds.
    exclude: ["test/real/**", "test/limits/**", "test/cluster/**", "**/node_modules/**"],
    // A test that plans a stack runs the program and the pack's exchange (a few seconds on a busy
    // 2-core box; the few that spawn a command, more): the default 5 s is too tight.
    testTimeout: 120_000,
    // One module registry per worker, not per file. Isolation re-imported @pulumi/pulumi, @pulumi/policy
    // and the components for each of the ~100 files: 27 s of the 67 s wall on 2 cores, against 2.5 s
    // shared (25 s wall). Safe because no test mocks a module or sets the environment, and every file
    // that runs the program sets its own Pulumi mocks first; four --sequence.shuffle seeds passed.
    isolate: false,
    hookTimeout: 120_000,
  },
});
