// The layout shows the data flow, and this keeps it true: model/ at the bottom (pure), config/ parses
// shapes, components/ derive and render, policies/ check rendered objects, tools/ run it all. No folder
// imports one above it, so there is one place for each number and no arrow points back up.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const LAYERS = ["model", "config", "components", "policies", "tools"] as const;
type Layer = (typeof LAYERS)[number];

/** What each folder may not import. */
const FORBIDDEN: Record<Layer, readonly Layer[]> = {
  model: ["config", "components", "policies", "tools"],
  config: ["components", "policies", "tools"],
  components: ["policies", "tools"],
  policies: ["components", "tools"],
  tools: [],
};

export interface Edge {
  file: string;
  spec: string;
}

/** Every import, re-export, dynamic import and require of a TypeScript file, as written. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|require\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  return out;
}

function layerOf(path: string): Layer | undefined {
  const top = relative(ROOT, path).split(sep)[0];
  return (LAYERS as readonly string[]).includes(top ?? "") ? (top as Layer) : undefined;
}

/** The upward imports among these files: `file -> spec (layer imports layer)`. */
export function upwardImports(files: readonly { path: string; source: string }[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    if (!from) continue;
    for (const spec of importsOf(f.source)) {
      const pure = from === "model" || /\/tuning\.ts$/.test(f.path);
      if (pure && spec.startsWith("@pulumi/")) out.push(`${relative(ROOT, f.path)} -> ${spec} (pure code imports the Pulumi SDK)`);
      if (!spec.startsWith(".")) continue;
      const to = layerOf(resolve(dirname(f.path), spec));
      if (to && FORBIDDEN[from].includes(to)) out.push(`${relative(ROOT, f.path)} -> ${spec} (${from} imports ${to})`);
    }
  }
  return out;
}

function sources(dir: string): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "node_modules" || name === "bin") continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith(".ts")) out.push({ path: p, source: readFileSync(p, "utf8") });
  }
  return out;
}

describe("the import layering", () => {
  const files = LAYERS.flatMap((l) => sources(join(ROOT, l)));

  it("reads the tree: every layer has sources and their imports are found", () => {
    for (const l of LAYERS) expect(files.some((f) => layerOf(f.path) === l), l).toBe(true);
    const platform = files.find((f) => f.path.endsWith(join("components", "platform", "index.ts")))!;
    expect(importsOf(platform.source)).toContain("../../model/budget");
  });

  it("no folder imports one above it, and pure code never imports the Pulumi SDK", () => {
    expect(upwardImports(files)).toEqual([]);
  });

  it("catches each kind of upward import", () => {
    const at = (p: string, source: string) => ({ path: join(ROOT, p), source });
    expect(
      upwardImports([
        at("config/x.ts", 'import { checkWeb } from "../components/web/tuning";'),
        at("model/x.ts", 'import type { StackConfig } from "../config/schema";\nimport * as pulumi from "@pulumi/pulumi";'),
        at("components/web/x.ts", 'export { nodeBudget } from "../../policies/rightsize-enforce-node-budget";'),
        at("policies/x.ts", 'const labels = require("../components/shared/labels");'),
        at("policies/y.ts", 'const t = await import("../tools/plan");'),
        at("components/web/tuning.ts", 'import * as k8s from "@pulumi/kubernetes";'),
        at("tools/x.ts", 'import { Platform } from "../components/platform";'),
      ]),
    ).toEqual([
      "config/x.ts -> ../components/web/tuning (config imports components)",
      "model/x.ts -> ../config/schema (model imports config)",
      "model/x.ts -> @pulumi/pulumi (pure code imports the Pulumi SDK)",
      "components/web/x.ts -> ../../policies/rightsize-enforce-node-budget (components imports policies)",
      "policies/x.ts -> ../components/shared/labels (policies imports components)",
      "policies/y.ts -> ../tools/plan (policies imports tools)",
      "components/web/tuning.ts -> @pulumi/kubernetes (pure code imports the Pulumi SDK)",
    ]);
  });
});
