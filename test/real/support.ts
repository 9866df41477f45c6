// Shared by the real-software checks: which tools exist, rendering a stack once, free ports, child
// processes that are always stopped, and polling without fixed sleeps (the last three live in
// tools/limits/software.ts, which the limits test shares).
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { K8sObject } from "../../model/k8s";
import { runTool } from "../helpers/run";

export { childPids, freePort, missingPackages, missingPythonModules, PYTHON, run, start, type Started, stop, stopAll, type Tool, TOOLS, waitFor } from "../../tools/limits/software";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export function reportMissing(suite: string, missing: string[]): boolean {
  if (missing.length === 0) return false;
  const msg = `${suite}: missing Debian packages: ${missing.join(" ")}; install with: sudo apt-get install -y ${missing.join(" ")}`;
  if (IN_CI) throw new Error(msg);
  console.warn(`SKIPPING ${msg}`);
  return true;
}

export interface Rendered {
  dir: string;
  objects: K8sObject[];
  get(kind: string, name: string): K8sObject;
}

const renders = new Map<string, Rendered>();

/** Renders a stack with the real `render` command, once per test file. */
export function renderStack(stack: string): Rendered {
  const cached = renders.get(stack);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), `rightsize-real-${stack}-`));
  const r = runTool("render", [stack, "--out", dir]);
  if (r.code !== 0) throw new Error(`render ${stack} failed (${r.code}): ${r.stderr}`);
  const objects = readdirSync(dir)
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as K8sObject);
  const rendered: Rendered = {
    dir,
    objects,
    get(kind, name) {
      const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
      if (!o) throw new Error(`stack ${stack} rendered no ${kind} ${name}`);
      return o;
    },
  };
  renders.set(stack, rendered);
  return rendered;
}

export function configMapFile(o: K8sObject, key: string): string {
  const data = (o as { data?: Record<string, string> }).data ?? {};
  const v = data[key];
  if (typeof v !== "string") throw new Error(`ConfigMap ${o.metadata?.name} has no ${key} (has ${Object.keys(data).join(", ")})`);
  return v;
}

