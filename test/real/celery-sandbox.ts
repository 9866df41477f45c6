// The Celery sandbox (tools/limits/celery-sandbox.ts) on a rendered stack, with the fixture app here.
import { join } from "node:path";
import { type CelerySandbox, startCelerySandbox } from "../../tools/limits/celery-sandbox";
import { configMapFile, type Rendered } from "./support";

export type { CelerySandbox };
export const FIXTURES = join(__dirname, "fixtures");

export function celerySandbox(r: Rendered, password: string): Promise<CelerySandbox> {
  const cm = r.get("ConfigMap", "celery-config") as { data: Record<string, string> };
  return startCelerySandbox(cm.data, configMapFile(r.get("ConfigMap", "redis-broker-config"), "redis.conf"), password, FIXTURES);
}
