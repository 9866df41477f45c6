import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real-software suite has its own command (npm run test:real) and needs Debian packages.
    exclude: ["test/real/**", "**/node_modules/**"],
    // Tool tests start the program in a child process; the default 5 s is too tight on a busy 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
