// plan and render in process: the same library functions the commands call (planStack, runStack,
// writeManifests), with the program run afresh for each stack and one policy pack per test file, talked
// to over the Analyzer protocol as the CLI does. Results are memoized per file: several tests read the
// same plan of the same stack file.
import { afterAll, beforeAll } from "vitest";
import { type PlannedStack, planStack, readGivenPolicyConfig } from "../../tools/capacity/plan-stack";
import { type RunningPack, startPolicyPack } from "../../tools/harness/pack-process";
import { kubernetesObjects, type ProgramLoader } from "../../tools/harness/program";
import { runStack } from "../../tools/harness/run-stack";
import { readStackFile, type StackFile } from "../../tools/harness/stackfile";
import type { K8sObject } from "../../model/k8s";
import { ROOT } from "./run";

let runs = 0;
/**
 * index.ts evaluated again for each run (a query makes it a new module to vitest), beside the same
 * instances of everything it imports: the program runs once per call, and error classes stay the ones
 * the harness checks against.
 */
export const loadProgramAfresh: ProgramLoader = () => import(/* @vite-ignore */ `../../index.ts?run=${++runs}`);

// Pulumi's runtime state is global: one program run at a time, whoever asks.
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

export interface StackOptions {
  /** The folder holding Pulumi.<stack>.yaml (default: the repository's). */
  dir?: string;
  /** Placeholders for missing credentials, as the tests' commands run (default true). */
  placeholderSecrets?: boolean;
  /** A policy config file, as --policy-pack-config gives it. */
  policyConfig?: string;
}

export function readStack(stack: string, opts: StackOptions = {}): StackFile {
  return readStackFile(stack, opts.dir ?? ROOT, { placeholderSecrets: opts.placeholderSecrets ?? true });
}

/** The Kubernetes objects a stack renders, as render would write them before masking. */
export async function objectsOf(stack: string, opts: StackOptions = {}): Promise<K8sObject[]> {
  const file = readStack(stack, opts);
  return kubernetesObjects(await serially(() => runStack(file, loadProgramAfresh)));
}

export interface Planner {
  /** The plan of a stack, as `npm run plan -- <stack> --json` prints it; throws what planStack throws. */
  plan(stack: string, opts?: StackOptions): Promise<PlannedStack>;
}

/** Starts a policy pack for this test file (closed after it) and plans stacks on it. */
export function usePlanner(): Planner {
  let pack: RunningPack;
  const memo = new Map<string, Promise<PlannedStack>>();
  beforeAll(() => {
    pack = startPolicyPack();
  });
  afterAll(() => pack?.close());
  return {
    plan(stack, opts = {}) {
      const key = JSON.stringify([stack, opts]);
      if (!memo.has(key)) {
        const planned = serially(async () => {
          const file = readStack(stack, opts);
          const given = readGivenPolicyConfig(opts.policyConfig);
          return planStack(pack, file, given, { load: loadProgramAfresh, ...(opts.policyConfig ? { policyConfigPath: opts.policyConfig } : {}) });
        });
        memo.set(key, planned);
        planned.catch(() => undefined);
      }
      return memo.get(key)!;
    },
  };
}
