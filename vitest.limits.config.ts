import { defineConfig } from "vitest/config";

// npm run test:limits: the dev and prod stacks and the seeds' flaws inside real memory cgroups (root and a
// writable cgroup v1 or v2 required; a missing cgroup fails the run with its reason). One test at a time:
// the loads share 2 cores and must not share memory pressure.
export default defineConfig({
  test: {
    include: ["test/limits/**/*.test.ts"],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 480_000,
    hookTimeout: 120_000,
  },
});
