// At least 40 bad stack configs, each through the real `render` command (it loads config exactly as
// `plan` does, without starting the policy pack; test/tools/plan.test.ts covers plan's own exit 2): exit 2, a message that names the
// key and the value, no stack trace, nothing registered (the runner refuses to report a config error
// once any resource has registered), and no secret in the output.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ROOT, REGISTER } from "../helpers/run";

type Doc = { config: Record<string, any> };
type Edit = (d: Doc) => void;

const DEV_TEXT = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
const dev = () => parse(DEV_TEXT) as Doc;
/** The line of web's `replicas: 1` in Pulumi.dev.yaml, where a duplicate is inserted after. */
const WEB_REPLICAS_LINE = DEV_TEXT.slice(0, DEV_TEXT.indexOf("    replicas: 1\n", DEV_TEXT.indexOf("  rightsize:web:"))).split("\n").length;

/** Moves a top-level config key to another name, keeping its place and value. */
function rename(from: string, to: string): Edit {
  return (d) => {
    d.config = Object.fromEntries(Object.entries(d.config).map(([k, v]) => [k === from ? to : k, v]));
  };
}
/** Pulumi.prod.yaml as a deployment has it: with its credentials set encrypted (the shipped file has none). */
const prod = (): Doc => {
  const d = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as Doc;
  for (const p of ["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]) at(p, { secure: "v1:test-only:Y2lwaGVydGV4dA==" })(d);
  return d;
};

/** Sets `rightsize:<key>.<path>` (dotted) in the stack document; undefined deletes it. */
function at(path: string, value: unknown): Edit {
  return (d) => {
    const [top, ...rest] = path.split(".");
    const full = `rightsize:${top}`;
    if (rest.length === 0) {
      if (value === undefined) delete d.config[full];
      else d.config[full] = value;
      return;
    }
    let o = (d.config[full] ??= {});
    for (const k of rest.slice(0, -1)) o = o[k] ??= {};
    if (value === undefined) delete o[rest.at(-1)!];
    else o[rest.at(-1)!] = value;
  };
}

interface Case {
  what: string;
  stack?: () => Doc;
  edits: Edit[];
  /** The key the message must name (prefix of a line). */
  key: string;
  /** Text the line must contain: the value as shown, or the reason when there is no value. */
  shows: string;
  raw?: string;
}

/** The common case: one value set at a key, and the message names that key. */
const setAt = (what: string, key: string, value: unknown, shows: string, stack?: () => Doc): Case => ({ what, ...(stack ? { stack } : {}), edits: [at(key, value)], key, shows });

const huge = "9".repeat(40);
/** Nine levels of nine aliases: 387 million strings if a parser expanded them. */
function aliasBomb(): string {
  const lines = ["  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const l of "bcdefghi") lines.push(`  ${l}: &${l} [${Array(9).fill(`*${String.fromCharCode(l.charCodeAt(0) - 1)}`).join(", ")}]`);
  return `config:\n${lines.join("\n")}\n  rightsize:namespace: x\n`;
}
const CASES: Case[] = [
  setAt("a GB suffix", "web.resources.limits.memory", "1.5GB", '"1.5GB"'),
  setAt("an upper-case K", "web.resources.limits.memory", "1K", '"1K"'),
  setAt("a space before the unit", "web.resources.limits.memory", "1 Gi", '"1 Gi"'),
  setAt("an exponent with no digits", "web.resources.limits.cpu", "1e", '"1e"'),
  setAt("a negative request", "web.resources.requests.cpu", "-100m", '"-100m"'),
  setAt("NaN", "web.resources.limits.cpu", Number.NaN, "NaN"),
  setAt("infinity", "web.resources.limits.memory", Number.POSITIVE_INFINITY, "Infinity"),
  setAt("a huge quantity", "web.resources.limits.memory", `${huge}Ei`, huge),
  setAt("a huge exponent", "web.resources.limits.cpu", "1e400", '"1e400"'),
  setAt("a quantity of the wrong type", "web.resources.limits.memory", true, "true"),
  setAt("fractional replicas", "web.replicas", 1.5, "1.5"),
  setAt("negative replicas", "web.replicas", -1, "-1"),
  setAt("10,000 replicas", "web.replicas", 10000, "10000"),
  setAt("replicas as words", "web.replicas", "two", '"two"'),
  { what: "an HPA of 10,000", edits: [at("web.autoscaling", { maxReplicas: 10000 })], key: "web.autoscaling.maxReplicas", shows: "10000" },
  setAt("an unknown key", "web.replicaz", 1, "unknown key"),
  setAt("an unknown top-level key", "webb", { replicas: 1 }, "unknown key"),
  setAt("a workload that is not a map", "web", "big", '"big"'),
  { what: "a memory limit below its request", edits: [at("web.resources.limits.memory", "128Mi")], key: "web.resources.requests.memory", shows: '"256Mi"' },
  { what: "a CPU limit below its request", edits: [at("web.resources.limits.cpu", "50m")], key: "web.resources.requests.cpu", shows: '"100m"' },
  setAt("a zero-CPU node", "nodeBudget.cpu", "0", '"0"'),
  setAt("a zero-memory node", "nodeBudget.memory", "0", '"0"'),
  setAt("no nodes", "nodeBudget.nodes", 0, "0"),
  setAt("a memory reserve larger than the node", "nodeBudget.reserved.memory", "17Gi", '"17Gi"'),
  setAt("a CPU reserve larger than the node", "nodeBudget.reserved.cpu", "9", '"9"'),
  setAt("a broker with allkeys-lru (the seed's)", "redis.broker.settings.maxmemory-policy", "allkeys-lru", '"allkeys-lru"'),
  setAt("a broker with volatile-lru", "redis.broker.settings.maxmemory-policy", "volatile-lru", '"volatile-lru"'),
  setAt("the seed's maxmemory 384mb in 512Mi with AOF", "redis.broker.settings.maxmemory", "384mb", '"384mb"'),
  setAt("beat with 2 replicas", "celery.beat.replicas", 2, "2"),
  { what: "the seed's 6 x 400000 KiB per child in 2 GiB", edits: [at("celery.workers.default.concurrency", 6), at("celery.workers.default.maxMemoryPerChild", 400000), at("celery.workers.default.resources.limits.memory", "2Gi")], key: "celery.workers.default.maxMemoryPerChild", shows: "400000" },
  setAt("a visibility timeout equal to the time limit (the seed's)", "celery.visibilityTimeout", 3600, "3600"),
  setAt("a visibility timeout below the time limit", "celery.visibilityTimeout", 600, "600"),
  setAt("a soft limit at the hard limit", "celery.workers.default.softTimeLimit", 3600, "3600"),
  setAt("the seed's 55-minute soft limit with a 30 s grace", "celery.workers.default.terminationGracePeriodSeconds", 30, "30"),
  { what: "the seed's 2 GiB heap + 2 GiB shm in 3 GiB", edits: [at("playwright.resources.limits.memory", "3Gi"), at("playwright.nodeHeap", "2Gi"), at("playwright.shm", { mode: "memory", size: "2Gi" })], key: "playwright.nodeHeap", shows: '"2Gi"' },
  setAt("shared_buffers above the limit", "postgres.settings.shared_buffers", "2GB", '"2GB"'),
  setAt("the seed's work_mem 32MB at 100 connections", "postgres.settings.work_mem", "32MB", '"32MB"'),
  // With the pooler on (dev's auto) max_connections is the pooler's; the app straight at Postgres is checked here.
  { what: "too few connections for the pools", edits: [at("postgres.pooler.enabled", false), at("postgres.maxConnections", 20)], key: "postgres.maxConnections", shows: "20" },
  setAt("an image tagged latest", "images.app", "registry.example.com/app:latest", '"registry.example.com/app:latest"'),
  setAt("an image with no tag", "images.app", "registry.example.com/app", '"registry.example.com/app"'),
  setAt("a privileged port", "web.port", 80, "80"),
  setAt("a bad namespace", "namespace", "Bad_NS", '"Bad_NS"'),
  setAt("an unknown environment", "environment", "staging", '"staging"'),
  setAt("more gunicorn workers than fit", "web.gunicorn.workers", 4, "4"),
  setAt("a short master key", "meilisearch.masterKey", "short", "at least"),
  setAt("a missing prod secret", "postgres.password", undefined, "is required: a credential, stored encrypted in prod; set it with `pulumi config set --secret --path postgres.password <value> -s prod`", prod),
  { what: "the shipped prod stack file, with no credentials set", stack: () => parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as Doc, edits: [], key: "meilisearch.masterKey", shows: "set it with `pulumi config set --secret --path meilisearch.masterKey <value> -s prod`" },
  setAt("a plaintext prod secret", "postgres.password", "plaintext-prod-password", "must be stored encrypted in prod", prod),
  { what: "an empty stack file", edits: [], raw: "", key: "nodeBudget", shows: "is required" },
  // KEDA autoscaling, on prod's autoscaled scraping pool (1..3).
  { what: "autoscaling max below min", stack: prod, edits: [at("celery.workers.scraping.autoscaling.minReplicas", 4)], key: "celery.workers.scraping.autoscaling.maxReplicas", shows: "must be at least minReplicas 4 (got 3)" },
  setAt("autoscaling with a fixed replicas other than min", "celery.workers.scraping.replicas", 2, "conflicts with autoscaling.minReplicas 1", prod),
  { what: "autoscaling on a queue the pool does not consume", stack: prod, edits: [at("celery.workers.scraping.autoscaling.queues", ["default"])], key: "celery.workers.scraping.autoscaling.queues.0", shows: '"default"' },
  {
    what: "the default queue's pool scaled to zero under beat",
    stack: prod,
    edits: [at("celery.workers.default.replicas", undefined), at("celery.workers.default.autoscaling", { minReplicas: 0, maxReplicas: 2 })],
    key: "celery.workers.default.autoscaling.minReplicas",
    shows: "would wait for a cold start",
  },
  setAt("a misspelled autoscaling key", "celery.workers.scraping.autoscaling.maxReplica", 4, "unknown key", prod),
  setAt("a bad KEDA namespace", "celery.kedaNamespace", "Keda_NS", '"Keda_NS"', prod),
  // Slips a new user makes by hand: each named where it was typed.
  { what: "a typo in the namespace (rightsise:web)", edits: [rename("rightsize:web", "rightsise:web")], key: "rightsise:web", shows: 'namespace "rightsise" is not "rightsize", so this key would be ignored (did you mean rightsize:web?)' },
  { what: "keys outside config:", edits: [], raw: DEV_TEXT.replace(/^config:\n/m, "").replace(/^  /gm, ""), key: "Pulumi.dev.yaml", shows: "sit at the top of the file, outside `config:`" },
  { what: "a duplicated key", edits: [], raw: DEV_TEXT.replace("    replicas: 1\n", "    replicas: 1\n    replicas: 3\n"), key: "Pulumi.dev.yaml", shows: `config.rightsize:web.replicas is set twice, at line ${WEB_REPLICAS_LINE} and line ${WEB_REPLICAS_LINE + 1}; keep one of each` },
  // Credentials through env, the cluster's namespaces, zero limits, resource exhaustion.
  {
    what: "a plaintext prod credential through web.env",
    stack: prod,
    edits: [at("web.env", { POSTGRES_PASSWORD: "plaintext-prod-password", DATABASE_URL: "postgresql://app:plaintext-prod-password@postgres:5432/app" })],
    key: "web.env.POSTGRES_PASSWORD",
    shows: "is set by rightsize (the database and Celery client variables); remove it from env",
  },
  {
    what: "a prod credential in an extra's env",
    stack: prod,
    edits: [at("extras.firecrawl-api.env.OPENAI_API_KEY", "plaintext-prod-password")],
    key: "extras.firecrawl-api.env.OPENAI_API_KEY",
    shows: "carries a credential (its name says it is one) in plain text; in prod store it encrypted: `pulumi config set --secret --path extras.firecrawl-api.env.OPENAI_API_KEY <value> -s prod`",
  },
  setAt("the kube-system namespace", "namespace", "kube-system", "is a namespace the cluster owns"),
  { what: "a zero CPU request and limit", edits: [at("web.resources.requests.cpu", "0"), at("web.resources.limits.cpu", "0")], key: "web.resources.limits.cpu", shows: "must be more than zero: Kubernetes reads a zero limit as no limit" },
  { what: "an env value that makes the Deployment too large for etcd", edits: [at("web.env.BLOB", "x".repeat(2 * 1024 * 1024))], key: "Deployment/web", shows: "etcd stores an object of at most 1572864 bytes (1.5 MiB); shorten what the stack file puts in it" },
  { what: "a YAML alias bomb", edits: [], raw: aliasBomb(), key: "Pulumi.dev.yaml", shows: "not a valid stack file: its aliases expand too far" },
  setAt("a memory limit in millibytes (500m for 500Mi)", "web.resources.limits.memory", "500m", '"500m" is 500 millibytes (m is milli, a thousandth); did you mean "500Mi"?'),
];

function runRender(dir: string, stack: string, out = join(dir, "out")): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "render", "index.ts"), stack, "--out", out], { cwd: dir, env: { ...process.env, NODE_OPTIONS: "" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += String(d)));
    p.stderr.on("data", (d) => (stderr += String(d)));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("hostile stack configs", () => {
  it("has at least 40 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.concurrent.each(CASES.map((c) => [c.what, c] as const))("%s: exits 2 naming the key and the value", async (_what, c) => {
    const doc = (c.stack ?? dev)();
    for (const e of c.edits) e(doc);
    const stack = c.stack && c.stack !== dev ? "prod" : "dev";
    const dir = mkdtempSync(join(tmpdir(), "rightsize-hostile-"));
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), c.raw ?? stringify(doc));
    const r = await runRender(dir, stack);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    const line = r.stderr.split("\n").find((l) => l.trim().startsWith(`${c.key}:`));
    expect(line, r.stderr).toBeDefined();
    expect(line).toContain(c.shows);
    expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toMatch(/dev-only-[a-z-]*password|plaintext-prod-password/);
  });

  it("accepts a YAML merge key inside a workload, as the Pulumi CLI resolves it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-hostile-"));
    // web's limits merge its requests (`<<: *anchor`) and override both keys: the same values, spelled with a merge.
    const merged = DEV_TEXT.replace(
      "      requests:\n        cpu: 100m\n        memory: 256Mi\n      limits:\n        cpu: 500m\n",
      "      requests: &web-requests\n        cpu: 100m\n        memory: 256Mi\n      limits:\n        <<: *web-requests\n        cpu: 500m\n",
    );
    expect(merged).not.toBe(DEV_TEXT);
    writeFileSync(join(dir, "Pulumi.dev.yaml"), merged);
    const r = await runRender(dir, "dev");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ objects for stack dev/);
  });

  it.concurrent.each([
    ["/proc/rightsize-out", "/proc/rightsize-out: cannot use it as the output folder: it is in /proc, a kernel filesystem where rendered files cannot be written"],
    ["/etc/hostname/out", "/etc/hostname/out: cannot use it as the output folder: /etc/hostname is a file, not a folder"],
  ])("--out %s exits 2 at once, naming the path and the reason", async (out, message) => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-hostile-"));
    writeFileSync(join(dir, "Pulumi.dev.yaml"), DEV_TEXT);
    const r = await runRender(dir, "dev", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
  });
});
