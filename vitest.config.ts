import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The tests load the policies in-process beside the root's @pulumi/policy; with the pack's own install
  // (policies/node_modules) they would load a second copy, whose unknown-value errors the first does not
  // recognise. One process, one copy: the pack's own install is for the pack's own process.
  resolve: { alias: [{ find: /^@pulumi\/policy$/, replacement: join(__dirname, "node_modules", "@pulumi", "policy") }] },
  test: {
    include: ["test/**/*.test.ts"],
    // The real-software suite has its own command (npm run test:real) and needs Debian packages; the
    // cluster suite (npm run test:cluster) needs the pieces cluster/build.sh builds.
    exclude: ["test/real/**", "test/cluster/**", "**/node_modules/**"],
    // Tool tests start the program in a child process; the default 5 s is too tight on a busy 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
