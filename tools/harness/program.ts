// Runs index.ts under Pulumi mocks with a stack's config and collects every Kubernetes object it
// registers, exactly as the program built it. No engine, no cluster, no CLI.
import * as pulumi from "@pulumi/pulumi";
import { DOCKER_IMAGE_TYPE, placeholderDigest } from "./offline";
import type { K8sObject } from "../../model/k8s";
import type { StackFile } from "./stackfile";

export interface Registered {
  /** Pulumi type token, e.g. kubernetes:apps/v1:Deployment. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** For kubernetes:* types, the object as it would be applied; otherwise the resource's inputs. */
  inputs: K8sObject;
  /** True when a value was a Pulumi secret (masked in `inputs`). */
  hadSecrets: boolean;
}

export interface ProgramRun {
  resources: Registered[];
  outputs: Record<string, unknown>;
}

/** The mask a Pulumi secret becomes in collected objects. */
export const SECRET_MASK = "(secret)";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * A secret's shape stays (a Secret's `stringData` keys are names, not secrets; the Kubernetes provider
 * wraps the whole map), every value in it becomes the mask.
 */
function maskLeaves(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskLeaves);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return maskLeaves(o.value);
    return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined).map(([k, x]) => [k, maskLeaves(x)]));
  }
  return SECRET_MASK;
}

function unwrap(v: unknown, seen: { secret: boolean }): unknown {
  if (Array.isArray(v)) return v.map((x) => unwrap(x, seen));
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") {
      seen.secret = true;
      return maskLeaves(o.value);
    }
    return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined).map(([k, x]) => [k, unwrap(x, seen)]));
  }
  return v;
}

/**
 * Loads the program. It must be called once per process: Node caches the module, and Pulumi's runtime
 * state is global. Throws what the program throws (a StackConfigError for bad config).
 */
/** Installs Pulumi mocks that record every registration; the list fills as resources register. */
export function installMocks(stack: string): Registered[] {
  const resources: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const seen = { secret: false };
        const inputs = unwrap(args.inputs, seen) as K8sObject;
        resources.push({ type: args.type, name: args.name, inputs, hadSecrets: seen.secret });
        // Offline no image is built: report the placeholder digest, so specs that use it stay known.
        if (args.type === DOCKER_IMAGE_TYPE) {
          return { id: `${args.name}-id`, state: { ...args.inputs, repoDigest: placeholderDigest(String(args.inputs.imageName)) } };
        }
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "rightsize",
    stack,
    true,
  );
  return resources;
}

/** Waits until every registration so far has reached the mocks. */
export async function drain(): Promise<void> {
  await (pulumi.runtime as unknown as { disconnect(): Promise<void> }).disconnect();
}

export function sortRegistered(resources: Registered[]): Registered[] {
  return resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/**
 * Loads the program. It must be called once per process: Node caches the module, and Pulumi's runtime
 * state is global. Throws what the program throws (a StackConfigError for bad config).
 */
export async function runProgram(file: StackFile, programPath = "../../index"): Promise<ProgramRun> {
  const resources = installMocks(file.stack);
  pulumi.runtime.setAllConfig(file.config, file.secretKeys);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(programPath) as Record<string, unknown>;
  } catch (e) {
    // Whatever the program registered before it failed; bad config must stop it before the first one.
    await drain();
    if (e && typeof e === "object") (e as { registered?: string[] }).registered = resources.map((r) => `${r.type}::${r.name}`);
    throw e;
  }
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(mod)) {
    const seen = { secret: false };
    outputs[k] = pulumi.Output.isInstance(v) ? await resolve(v) : unwrap(v, seen);
  }
  await drain();
  return { resources: sortRegistered(resources), outputs };
}

function resolve(o: pulumi.Output<unknown>): Promise<unknown> {
  return new Promise((res) => {
    pulumi.all([o, (o as unknown as { isSecret: Promise<boolean> }).isSecret]).apply(([v, secret]) => res(secret ? SECRET_MASK : v));
  });
}

/** The Kubernetes objects among the registered resources. */
export function kubernetesObjects(run: ProgramRun): K8sObject[] {
  return run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind).map((r) => r.inputs);
}
