// A proposal's resources as stack config edits (applied, printed and written by the harness' stack-file
// editor).
import { formatCpu, formatMemory } from "../../model/quantity";
import type { ConfigChange } from "../harness/stackfile-edit";
import type { Resources } from "./strategy";

export type { ConfigChange };

/** The fields that differ between current and proposed, under `<configKey>.resources`. */
export function changesOf(configKey: string, current: Resources, proposed: Resources): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const side of ["requests", "limits"] as const) {
    for (const res of ["cpu", "memory"] as const) {
      const was = current[side][res];
      const now = proposed[side][res];
      if (now === undefined || now === was) continue;
      const fmt = (v: number) => (res === "cpu" ? formatCpu(v as never) : formatMemory(v as never));
      out.push({ path: `${configKey}.resources.${side}.${res}`, value: fmt(now), ...(was !== undefined ? { from: fmt(was) } : {}) });
    }
  }
  return out;
}
