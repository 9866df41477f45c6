// The extra services as the rest of the program sees them (components/descriptor.ts).
import type { ExtraConfig } from "../../config/schema/extras";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";

export const EXTRA: ComponentDescriptor<ExtraConfig> = {
  kind: COMPONENT.extra,
  workloads: (c) =>
    Object.entries(c.extras)
      .filter(([, e]) => e.enabled)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([name, config]) => ({ name, configKey: `extras.${name}`, config })),
  headline: ["image", "port"],
  reliedOn: [],
};
