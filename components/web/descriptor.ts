// The web service as the rest of the program sees it (components/descriptor.ts).
import type { WebConfig } from "../../config/schema/web";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { webLimitFor, webUsage } from "./tuning";

export const WEB: ComponentDescriptor<WebConfig> = {
  kind: COMPONENT.web,
  workloads: (c) => [{ name: "web", configKey: "web", config: c.web }],
  headline: ["workers", "timeout", "graceful_timeout", "preload_app", "max_requests"],
  reliedOn: ["workers"],
  runsAppImage: true,
  usage: { countKey: "workers", perUnitKey: "gunicorn.workerMemory", unit: "gunicorn worker", account: webUsage, limitFor: webLimitFor },
};
