import { defineConfig } from "vitest/config";

// npm run test:real: the generated configs against the real postgres, redis-server, gunicorn, Celery and
// Chromium from Debian's packages, the Kubernetes schema, and hostile stack configs.
export default defineConfig({
  test: {
    include: ["test/real/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
