// Speaks the Analyzer gRPC protocol to the running pack (pack-process.ts) in the order the Pulumi CLI
// does: GetAnalyzerInfo, Configure (schema defaults applied, as the CLI does), ConfigureStack, Analyze
// per resource and AnalyzeStack.
import { dirname } from "node:path";
import { PolicyConfigRejected, PolicyPackError, type RunningPack } from "./pack-process";
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

export { ENGINE_PLACEHOLDER, POLICY_PACK_DIR, PolicyPackError, startPolicyPack } from "./pack-process";

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

/** An AnalyzerClient on the pack's port, with each unary call as a promise. */
export function connect(pack: RunningPack): Caller {
  const client = new rpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure(), {
    "grpc.max_send_message_length": -1,
    "grpc.max_receive_message_length": -1,
  });
  pack.onClose(() => client.close());
  return <T>(method: string, req: unknown) =>
    new Promise<T>((resolve, reject) =>
      client[method](req, (err: Error | null, res: T) =>
        err ? reject(new PolicyPackError(`${method} failed: ${err.message}${pack.stderr() ? `\n${pack.stderr().trim()}` : ""}`)) : resolve(res),
      ),
    );
}

export type Caller = <T>(method: string, req: unknown) => Promise<T>;

function toConfigMap(m: any): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = {};
  m.forEach((v: any, k: string) => {
    out[k] = { enforcementLevel: LEVEL_BY_NUMBER[v.getEnforcementlevel()]!, ...(v.getProperties() ? { properties: v.getProperties().toJavaScript() } : {}) };
  });
  return out;
}

export async function getAnalyzerInfo(call: Caller): Promise<PolicyPackInfo> {
  const info: any = await call("getAnalyzerInfo", new Empty());
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

export async function configure(call: Caller, config: Map<string, PolicyConfig>): Promise<void> {
  const req = new pb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, c] of config) {
    const pc = new pb.PolicyConfig();
    pc.setEnforcementlevel(NUMBER_BY_LEVEL[c.enforcementLevel ?? "advisory"]);
    // The pack reads properties unconditionally, so an empty Struct rather than none.
    pc.setProperties(Struct.fromJavaScript((c.properties ?? {}) as any));
    map.set(name, pc);
  }
  await call("configure", req);
}

export async function configureStack(call: Caller, stack: string, project: string): Promise<void> {
  const req = new pb.AnalyzerStackConfigureRequest();
  req.setStack(stack);
  req.setProject(project);
  req.setOrganization("organization");
  req.setDryRun(true);
  await call("configureStack", req);
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

/** Fills the fields an AnalyzeRequest and a stack's AnalyzerResource share (the CLI requires options set). */
function describeResource(req: any, r: AnalyzedResource): any {
  req.setUrn(r.urn);
  req.setType(r.type);
  req.setName(r.name);
  req.setProperties(Struct.fromJavaScript(r.properties as any));
  req.setOptions(new pb.AnalyzerResourceOptions());
  return req;
}

export async function analyze(call: Caller, r: AnalyzedResource): Promise<Diagnostic[]> {
  return diagnostics(await call("analyze", describeResource(new pb.AnalyzeRequest(), r)), r.urn);
}

export async function analyzeStack(call: Caller, resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
  return diagnostics(await call("analyzeStack", stackRequest(resources)), "");
}

function stackRequest(resources: readonly AnalyzedResource[]): any {
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(resources.map((r) => describeResource(new pb.AnalyzerResource(), r)));
  return req;
}

/** An AnalyzeStackRequest as bytes on the wire. */
export function encodeStackRequest(resources: readonly AnalyzedResource[]): Uint8Array {
  return stackRequest(resources).serializeBinary();
}

/**
 * AnalyzeStack with a request already encoded. The CLI's engine encodes in Go; the bench uses this to
 * time what the pack does (decode, policies, reply) rather than this harness's JavaScript encoder.
 */
export function analyzeStackEncoded(pack: RunningPack, bytes: Uint8Array): Promise<Diagnostic[]> {
  const client = new grpc.Client(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure(), { "grpc.max_send_message_length": -1, "grpc.max_receive_message_length": -1 });
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      "/pulumirpc.Analyzer/AnalyzeStack",
      (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      (buf: Buffer) => pb.AnalyzeResponse.deserializeBinary(new Uint8Array(buf)),
      bytes,
      (err: Error | null, res: unknown) => {
        client.close();
        if (err) reject(new PolicyPackError(`AnalyzeStack failed: ${err.message}`));
        else resolve(diagnostics(res, ""));
      },
    ),
  );
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
  await pack.ready;
  const call = connect(pack);
  const info = await getAnalyzerInfo(call);
  const { config, errors } = reconcile(info.policies, info.initialConfig, opts.config ?? {});
  if (errors.length > 0) throw new PolicyConfigRejected(`the policy config is invalid:\n${errors.map((e) => `  ${e}`).join("\n")}`);
  await configure(call, config);
  await configureStack(call, opts.stack, opts.project);
  const perResource = await Promise.all(opts.resources.map((r) => analyze(call, r)));
  const stack = await analyzeStack(call, opts.resources);
  return { pack: { name: info.name, version: info.version }, policies: info.policies, config, diagnostics: [...perResource.flat(), ...stack] };
}
