// The layout shows the data flow, and this keeps it true: model/ at the bottom (pure), config/ parses
// shapes, components/ derive and render, policies/ check rendered objects, index.ts is the program,
// tools/ run it all (a harness, libraries, then one folder per command), bench/ measures; test/ is
// imported by nothing but tests. No folder imports one above it, so there is one place for each number
// and no arrow points back up.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
/** The folders (and the program, index.ts) whose imports are checked, lowest first. */
const LAYERS = ["model", "config", "components", "policies", "program", "tools", "bench", "test"] as const;
type Layer = (typeof LAYERS)[number];

/** What each may not import. Nothing but a test imports test/; nothing but bench and tests import bench/. */
const FORBIDDEN: Record<Layer, readonly Layer[]> = {
  model: ["config", "components", "policies", "program", "tools", "bench", "test"],
  config: ["components", "policies", "program", "tools", "bench", "test"],
  components: ["policies", "program", "tools", "bench", "test"],
  policies: ["components", "program", "tools", "bench", "test"],
  program: ["policies", "tools", "bench", "test"],
  tools: ["bench", "test"],
  bench: ["test"],
  test: [],
};

/**
 * Inside tools/: the harness (the Pulumi CLI's part: program, pack, analyzer, stack files, the CLI frame)
 * at the bottom, then the libraries built on it, then one folder per command. A command never imports
 * another command; what two commands share lives in a library folder.
 */
const TOOLS_LIBRARIES = ["harness", "capacity"] as const;
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
  const rel = relative(ROOT, path);
  if (rel === "index.ts") return "program";
  const top = rel.split(sep)[0];
  return top !== "program" && (LAYERS as readonly string[]).includes(top ?? "") ? (top as Layer) : undefined;
}

/** `harness`, `capacity` or a command's folder name, for a file under tools/. */
function toolsFolderOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split(sep);
  return parts[0] === "tools" && parts.length > 2 ? parts[1] : undefined;
}

/** Why an import from one tools/ folder to another breaks the order, or undefined. */
function toolsProblem(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const rank = (f: string) => (TOOLS_LIBRARIES as readonly string[]).indexOf(f);
  const [a, b] = [rank(from), rank(to)];
  if (a >= 0 && b < 0) return `tools/${from} imports the command tools/${to}`;
  if (a >= 0 && b > a) return `tools/${from} imports tools/${to}, which builds on it`;
  if (a < 0 && b < 0) return `the command tools/${from} imports the command tools/${to}`;
  return undefined;
}

/** The imports among these files that break the layering: `file -> spec (why)`. */
export function upwardImports(files: readonly { path: string; source: string }[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    if (!from) continue;
    for (const spec of importsOf(f.source)) {
      const pure = from === "model" || /\/tuning\.ts$/.test(f.path);
      if (pure && spec.startsWith("@pulumi/")) out.push(`${relative(ROOT, f.path)} -> ${spec} (pure code imports the Pulumi SDK)`);
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(f.path), spec);
      const to = layerOf(target) ?? layerOf(`${target}.ts`);
      if (to && FORBIDDEN[from].includes(to)) out.push(`${relative(ROOT, f.path)} -> ${spec} (${from} imports ${to})`);
      const [tf, tt] = [toolsFolderOf(f.path), toolsFolderOf(target) ?? toolsFolderOf(join(target, "index.ts"))];
      const problem = from === "tools" && to === "tools" && tf && tt ? toolsProblem(tf, tt) : undefined;
      if (problem) out.push(`${relative(ROOT, f.path)} -> ${spec} (${problem})`);
    }
  }
  return out;
}

function sources(dir: string): { path: string; source: string }[] {
  const out: { path: string; source: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "node_modules" || name === "bin" || name === "fixtures") continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith(".ts")) out.push({ path: p, source: readFileSync(p, "utf8") });
  }
  return out;
}

describe("the import layering", () => {
  const program = join(ROOT, "index.ts");
  const files = [{ path: program, source: readFileSync(program, "utf8") }, ...LAYERS.filter((l) => l !== "program").flatMap((l) => sources(join(ROOT, l)))];

  it("reads the tree: every layer has sources and their imports are found", () => {
    for (const l of LAYERS) expect(files.some((f) => layerOf(f.path) === l), l).toBe(true);
    for (const t of [...TOOLS_LIBRARIES, "plan", "render", "recommend"]) expect(files.some((f) => toolsFolderOf(f.path) === t), t).toBe(true);
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
        at("index.ts", 'import { budgetFromConfig } from "./policies/lib/budget-config";'),
        at("bench/x.ts", 'import { servePrometheus } from "../test/real/prometheus/server";'),
        at("tools/plan/x.ts", 'import { stackDir } from "../../test/helpers/run";'),
        at("tools/recommend/x.ts", 'import { planStack } from "../plan";\nimport type { Plan } from "../capacity/build-plan";'),
        at("tools/harness/x.ts", 'import { buildPlan } from "../capacity/build-plan";\nconst r = await import("../render/index");'),
        at("tools/capacity/x.ts", 'import { renderText } from "../plan/report";\nimport { runStack } from "../harness/run-stack";'),
      ]),
    ).toEqual([
      "config/x.ts -> ../components/web/tuning (config imports components)",
      "model/x.ts -> ../config/schema (model imports config)",
      "model/x.ts -> @pulumi/pulumi (pure code imports the Pulumi SDK)",
      "components/web/x.ts -> ../../policies/rightsize-enforce-node-budget (components imports policies)",
      "policies/x.ts -> ../components/shared/labels (policies imports components)",
      "policies/y.ts -> ../tools/plan (policies imports tools)",
      "components/web/tuning.ts -> @pulumi/kubernetes (pure code imports the Pulumi SDK)",
      "index.ts -> ./policies/lib/budget-config (program imports policies)",
      "bench/x.ts -> ../test/real/prometheus/server (bench imports test)",
      "tools/plan/x.ts -> ../../test/helpers/run (tools imports test)",
      "tools/recommend/x.ts -> ../plan (the command tools/recommend imports the command tools/plan)",
      "tools/harness/x.ts -> ../capacity/build-plan (tools/harness imports tools/capacity, which builds on it)",
      "tools/harness/x.ts -> ../render/index (tools/harness imports the command tools/render)",
      "tools/capacity/x.ts -> ../plan/report (tools/capacity imports the command tools/plan)",
    ]);
  });
});
