// PostgreSQL as the rest of the program sees it (components/descriptor.ts).
import type { PostgresConfig } from "../../config/schema/postgres";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { POSTGRES as ENDPOINT } from "../shared/endpoints";
import { postgresLimitFor, postgresUsage } from "./tuning";
import { servedPostgres } from "../pgbouncer/tuning";

export const POSTGRES: ComponentDescriptor<PostgresConfig> = {
  kind: COMPONENT.postgres,
  workloads: (c) => [{ name: ENDPOINT.name, configKey: "postgres", config: servedPostgres(c) }],
  credentials: () => ["postgres.password"],
  headline: ["shared_buffers", "effective_cache_size", "work_mem", "max_connections"],
  reliedOn: ["shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem"],
  // Backends = max_connections + worker processes, each costing postgres.backendMemory + 4 x work_mem; the
  // cost is derived (work_mem follows the limit), so no perUnitKey.
  usage: { unit: "Postgres backend", account: postgresUsage, limitFor: postgresLimitFor },
};
