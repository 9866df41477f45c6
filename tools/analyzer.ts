// Runs the policy pack the way the Pulumi CLI does, and speaks the Analyzer gRPC protocol to it:
// `node @pulumi/pulumi/cmd/run-policy-pack <engine-address> .` in the pack's folder, which compiles the
// pack with ts-node, serves it on 127.0.0.1 and prints only the port. Then GetAnalyzerInfo, Configure
// (schema defaults applied, as the CLI does), ConfigureStack, Analyze per resource and AnalyzeStack.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { type EnforcementLevel, type PolicyConfig, type PolicyMeta, reconcile } from "./policy-config";

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
// The stubs and their runtime come from @pulumi/pulumi's own dependency tree, so the messages are built
// with the one google-protobuf the SDK (and the pack) use.
const PULUMI_DIR = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string): any => require(require.resolve(id, { paths: [PULUMI_DIR] }));
const grpc = fromPulumi("@grpc/grpc-js");
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");

export const POLICY_PACK_DIR = join(__dirname, "..", "policies");
const RUN_POLICY_PACK = join(PULUMI_DIR, "cmd", "run-policy-pack");
/**
 * run-policy-pack takes the engine's address first and drops it (index.js shifts it off before loading
 * the pack); the pack's log calls fall back to stderr when no engine is configured. So an address
 * nothing listens on is enough, and no engine stub is needed.
 */
export const ENGINE_PLACEHOLDER = "127.0.0.1:0";

const LEVEL_BY_NUMBER: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const NUMBER_BY_LEVEL: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
}

export interface Diagnostic {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** The resource's URN; empty for a finding about the stack as a whole. */
  urn: string;
  message: string;
}

export interface PolicyPackInfo {
  name: string;
  version: string;
  policies: (PolicyMeta & { description: string })[];
  initialConfig: Record<string, PolicyConfig>;
}

export class PolicyPackError extends Error {}

export interface RunningPack {
  /** Resolves once the pack printed its port. */
  ready: Promise<void>;
  call<T>(method: string, req: unknown): Promise<T>;
  close(): void;
}

/** Starts the pack; returns at once, so the caller can run the program while the pack boots. */
export function startPolicyPack(packDir = POLICY_PACK_DIR): RunningPack {
  // A loader in NODE_OPTIONS (tsx, vitest) would compile the pack a second time under ts-node.
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const child: ChildProcess = spawn(process.execPath, [RUN_POLICY_PACK, ENGINE_PLACEHOLDER, "."], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let client: any;
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const line = /^(\d+)\s*\n/.exec(out);
      if (line && !client) {
        client = new rpc.AnalyzerClient(`127.0.0.1:${line[1]}`, grpc.credentials.createInsecure(), {
          "grpc.max_send_message_length": -1,
          "grpc.max_receive_message_length": -1,
        });
        resolve();
      }
    });
    child.on("error", (e) => reject(new PolicyPackError(`cannot start the policy pack: ${e.message}`)));
    child.on("exit", (code) => {
      if (!client) reject(new PolicyPackError(`the policy pack in ${packDir} exited (${code}) before it served:\n${stderr.trim()}`));
    });
  });
  // The caller may not await `ready` until later; a failure is reported then, not as an unhandled rejection.
  ready.catch(() => undefined);
  return {
    ready,
    call: <T>(method: string, req: unknown) =>
      ready.then(
        () =>
          new Promise<T>((resolve, reject) =>
            client[method](req, (err: Error | null, res: T) =>
              err ? reject(new PolicyPackError(`${method} failed: ${err.message}${stderr ? `\n${stderr.trim()}` : ""}`)) : resolve(res),
            ),
          ),
      ),
    close: () => {
      client?.close();
      child.kill();
    },
  };
}

function toConfigMap(m: any): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = {};
  m.forEach((v: any, k: string) => {
    out[k] = { enforcementLevel: LEVEL_BY_NUMBER[v.getEnforcementlevel()]!, ...(v.getProperties() ? { properties: v.getProperties().toJavaScript() } : {}) };
  });
  return out;
}

export async function getAnalyzerInfo(pack: RunningPack): Promise<PolicyPackInfo> {
  const info: any = await pack.call("getAnalyzerInfo", new Empty());
  return {
    name: info.getName(),
    version: info.getVersion(),
    policies: info.getPoliciesList().map((p: any) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVEL_BY_NUMBER[p.getEnforcementlevel()]!,
        ...(schema ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } } : {}),
      };
    }),
    initialConfig: toConfigMap(info.getInitialconfigMap()),
  };
}

export async function configure(pack: RunningPack, config: Map<string, PolicyConfig>): Promise<void> {
  const req = new pb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, c] of config) {
    const pc = new pb.PolicyConfig();
    pc.setEnforcementlevel(NUMBER_BY_LEVEL[c.enforcementLevel ?? "advisory"]);
    // The pack reads properties unconditionally, so an empty Struct rather than none.
    pc.setProperties(Struct.fromJavaScript((c.properties ?? {}) as any));
    map.set(name, pc);
  }
  await pack.call("configure", req);
}

export async function configureStack(pack: RunningPack, stack: string, project: string): Promise<void> {
  const req = new pb.AnalyzerStackConfigureRequest();
  req.setStack(stack);
  req.setProject(project);
  req.setOrganization("organization");
  req.setDryRun(true);
  await pack.call("configureStack", req);
}

function diagnostics(res: any, fallbackUrn: string): Diagnostic[] {
  return res.getDiagnosticsList().map((d: any) => {
    const description: string = d.getDescription();
    const message: string = d.getMessage();
    // A string violation arrives as "<description>\n<message>"; the description is the policy's, not news.
    const body = description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
    return { policy: d.getPolicyname(), enforcementLevel: LEVEL_BY_NUMBER[d.getEnforcementlevel()]!, urn: d.getUrn() || fallbackUrn, message: body };
  });
}

export async function analyze(pack: RunningPack, r: AnalyzedResource): Promise<Diagnostic[]> {
  const req = new pb.AnalyzeRequest();
  req.setUrn(r.urn);
  req.setType(r.type);
  req.setName(r.name);
  req.setProperties(Struct.fromJavaScript(r.properties as any));
  req.setOptions(new pb.AnalyzerResourceOptions());
  return diagnostics(await pack.call("analyze", req), r.urn);
}

export async function analyzeStack(pack: RunningPack, resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const ar = new pb.AnalyzerResource();
      ar.setUrn(r.urn);
      ar.setType(r.type);
      ar.setName(r.name);
      ar.setProperties(Struct.fromJavaScript(r.properties as any));
      ar.setOptions(new pb.AnalyzerResourceOptions());
      return ar;
    }),
  );
  return diagnostics(await pack.call("analyzeStack", req), "");
}

export interface PolicyRun {
  pack: { name: string; version: string };
  policies: PolicyPackInfo["policies"];
  config: Map<string, PolicyConfig>;
  diagnostics: Diagnostic[];
}

/** The whole exchange a `pulumi preview --policy-pack` has with the pack, in the same order. */
export async function runPolicies(
  pack: RunningPack,
  opts: { stack: string; project: string; resources: readonly AnalyzedResource[]; config?: Record<string, PolicyConfig> },
): Promise<PolicyRun> {
  const info = await getAnalyzerInfo(pack);
  const { config, errors } = reconcile(info.policies, info.initialConfig, opts.config ?? {});
  if (errors.length > 0) throw new PolicyPackError(`the policy config is invalid:\n${errors.map((e) => `  ${e}`).join("\n")}`);
  await configure(pack, config);
  await configureStack(pack, opts.stack, opts.project);
  const perResource = await Promise.all(opts.resources.map((r) => analyze(pack, r)));
  const stack = await analyzeStack(pack, opts.resources);
  return { pack: { name: info.name, version: info.version }, policies: info.policies, config, diagnostics: [...perResource.flat(), ...stack] };
}

/** The URN the engine would give a resource (parents are not known under mocks, so none are chained). */
export function urnOf(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}
