// PgBouncer as the rest of the program sees it (components/descriptor.ts): a workload only when the
// pooler is on (postgres.pooler.enabled, or auto and the app's demand does not fit Postgres' memory).
import type { PoolerConfig } from "../../config/schema/postgres";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { PGBOUNCER as ENDPOINT } from "../shared/endpoints";
import { stackPooler } from "./tuning";

export const PGBOUNCER: ComponentDescriptor<PoolerConfig> = {
  kind: COMPONENT.pgbouncer,
  workloads: (c) => (stackPooler(c).enabled ? [{ name: ENDPOINT.name, configKey: "postgres.pooler", config: c.postgres.pooler }] : []),
  // The password is Postgres' (postgres.password), read from its Secret.
  headline: ["max_client_conn", "default_pool_size", "reserve_pool_size", "max_db_connections"],
  reliedOn: ["max_client_conn", "default_pool_size"],
  // No usage model: a few kB a connection, so its memory does not follow a per-unit count worth sizing.
};
