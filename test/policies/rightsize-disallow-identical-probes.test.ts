// rightsize-disallow-identical-probes: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed, main } from "./fixtures";

const cases: Case[] = [
  [
    "a liveness probe identical to readiness",
    () => changed("Deployment", "web", (o) => (main(o).livenessProbe = { ...main(o).readinessProbe })),
    one(
      "rightsize-disallow-identical-probes",
      "advisory",
      "Deployment/web",
      "Deployment web: container web livenessProbe is identical to its readinessProbe (httpGet /api/health on port http, every 10 s, timeout 5 s, 3 failures, delay 0 s); whatever makes a pod unready would restart every pod",
    ),
  ],
];

describe("rightsize-disallow-identical-probes", () => {
  eachCase(cases);
});
