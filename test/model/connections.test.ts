// connections.ts holds only the shape one workload hands to Postgres' connection check; its contract is
// the type, checked by `tsc --noEmit` (npm test runs it) through the assertions below.
import { describe, expectTypeOf, it } from "vitest";
import type { ConnectionDemand } from "../../model/connections";

describe("ConnectionDemand", () => {
  it("is a read-only key, a count and its arithmetic", () => {
    expectTypeOf<ConnectionDemand>().toEqualTypeOf<{ readonly key: string; readonly connections: number; readonly explain: string }>();
    const d: ConnectionDemand = { key: "web", connections: 210, explain: "web: (6 pods + 1 surge) x 3 gunicorn workers x (5 pool + 5 overflow) = 210" };
    // @ts-expect-error a demand is not edited after it is made
    d.connections = 0;
  });
});
