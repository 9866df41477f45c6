// The browser service as the rest of the program sees it (components/descriptor.ts).
import type { PlaywrightConfig } from "../../config/schema/playwright";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { PLAYWRIGHT as ENDPOINT } from "../shared/endpoints";
import { browserLimitFor, browserUsage } from "./tuning";

export const PLAYWRIGHT: ComponentDescriptor<PlaywrightConfig> = {
  kind: COMPONENT.playwright,
  workloads: (c) => (c.playwright?.enabled ? [{ name: ENDPOINT.name, configKey: "playwright", config: c.playwright }] : []),
  headline: ["CONCURRENT", "NODE_OPTIONS", "TIMEOUT", "shm_bytes"],
  reliedOn: ["CONCURRENT"],
  usage: { countKey: "CONCURRENT", perUnitKey: "sessionMemory", unit: "browser session", account: browserUsage, limitFor: browserLimitFor },
};
