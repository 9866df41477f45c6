// `playwright`: the browser service (images.playwright). Rules that need the derivation (heap share,
// sessions that fit) live in components/playwright/tuning.ts.
import { z } from "zod";
import { envMap, httpPath, memory, replicas, resources, secondsField, size, unitMemory } from "./common";

export const playwrightSchema = z.strictObject({
  enabled: z.boolean().default(true),
  replicas: replicas().default(1),
  resources: resources({ requests: { cpu: "500m", memory: "1536Mi" }, limits: { cpu: "2", memory: "3Gi" } }),
  /** The service's Node heap (`--max-old-space-size`). @default 20% of the memory limit; 15-25% allowed */
  nodeHeap: memory().optional(),
  /**
   * Paid once per pod beside the heap: Node outside its old space (young generation, code, Buffers of
   * screenshots and PDFs) and the page cache of Chromium's binary and of its /tmp shared-memory files.
   * Not Chromium's browser process: browserless launches one per session, so that is in sessionMemory.
   * Kept at 256Mi: measured here (tools/limits/browser-cost.ts), an idle Node is 6 MiB of anonymous
   * memory and the rest is page cache the load does not pin; screenshots and PDFs are not loaded.
   */
  browserBaseMemory: memory().prefault("256Mi"),
  /**
   * One session: its own Chromium (browserless launches one per connection: browser, GPU and network
   * processes, 83 MiB here), its context and its renderer at the page. Measured here (Chromium 156,
   * tools/limits/browser-cost.ts, anonymous + shmem memory of the group per added session): 156 MiB at a
   * blank page, 487-507 MiB at a page keeping 80% of its 256 MiB heap cap with 20,000 DOM elements (the
   * limits load), 630-657 MiB with 50,000 elements: 512Mi holds the first, not the second.
   */
  sessionMemory: unitMemory("browser sessions").prefault("512Mi"),
  /** Override of the derived concurrent sessions; may only lower it. */
  maxConcurrentSessions: z.number().int().min(1).max(100).optional(),
  /** Requests waiting for a session before the service answers 429. @default 2 x sessions */
  queueLength: z.number().int().min(0).max(1000).optional(),
  /**
   * /dev/shm: `disable` passes --disable-dev-shm-usage (Chromium writes to /tmp instead, nothing memory-backed);
   * `memory` mounts a memory-backed emptyDir of `size`, which counts against the memory limit.
   */
  shm: z
    .strictObject({
      mode: z.enum(["disable", "memory"]).default("disable"),
      size: size().prefault("64Mi"),
    })
    .prefault({}),
  /** Block images, audio and video (Chromium flags), for bandwidth and renderer memory. */
  blockMedia: z.boolean().default(true),
  /** Longest a session (one client connection) may run, seconds (`TIMEOUT`). */
  requestTimeout: secondsField(1, 3600).prefault(120),
  /** A path the service answers without launching a browser. */
  healthPath: httpPath().default("/active"),
  /** UID the image runs as (browserless' `blessuser`). */
  uid: z.number().int().min(1).max(2 ** 31 - 1).default(999),
  env: envMap(),
});
export type PlaywrightConfig = z.output<typeof playwrightSchema>;
