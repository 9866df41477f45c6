// PostgreSQL as the rest of the program sees it (components/descriptor.ts).
import type { PostgresConfig } from "../../config/schema/postgres";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { POSTGRES as ENDPOINT } from "../shared/endpoints";

export const POSTGRES: ComponentDescriptor<PostgresConfig> = {
  kind: COMPONENT.postgres,
  workloads: (c) => [{ name: ENDPOINT.name, configKey: "postgres", config: c.postgres }],
  credentials: () => ["postgres.password"],
  headline: ["shared_buffers", "effective_cache_size", "work_mem", "max_connections"],
  reliedOn: ["shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem"],
};
