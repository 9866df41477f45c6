// Preloaded into each measured process (`node -r bench/rss.js ...`): prints its peak RSS on exit, so the
// bench reads it from stderr without a platform-specific tool.
"use strict";
process.on("exit", () => process.stderr.write(`\nRIGHTSIZE_BENCH_MAXRSS_KB ${process.resourceUsage().maxRSS}\n`));
