// The platform: Namespace, the ResourceQuota that carries the node budget, default-deny ingress, and
// every workload component, built from one validated StackConfig.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../../config/schema";
import { budgetAnnotations, budgetOf, budgetQuotaHard, BUDGET_QUOTA_NAME } from "../../model/budget";
import { Meilisearch } from "../meilisearch";
import { Postgres } from "../postgres";
import { Pgbouncer, pgbouncerSelector } from "../pgbouncer";
import { databaseEndpoint, servedPostgres, stackPooler } from "../pgbouncer/tuning";
import { Redis } from "../redis";
import { MEILISEARCH, PGBOUNCER, POSTGRES, REDIS, PLAYWRIGHT } from "../shared/endpoints";
import { APP_CLIENT_LABEL, standardLabels } from "../shared/labels";
import { Celery, clientMount, clientVolume } from "../celery";
import { CELERY_NAME } from "../celery/descriptor";
import { PLAYWRIGHT_URL_ENV } from "../celery/module";
import { ExtraService } from "../extras";
import { AppImage } from "../image";
import { PlaywrightService } from "../playwright";
import { webClientEnv } from "./checks";
import { WebService } from "../web";

export interface PlatformArgs {
  /** The validated stack config. */
  readonly config: StackConfig;
}

export class Platform extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly image: AppImage;
  readonly web: WebService;
  readonly postgres: Postgres;
  /** PgBouncer in front of Postgres, when postgres.pooler is on. */
  readonly pgbouncer?: Pgbouncer;
  readonly redis: { readonly broker: Redis; readonly cache?: Redis };
  readonly meilisearch: Meilisearch;
  readonly celery?: Celery;
  readonly playwright?: PlaywrightService;
  readonly extras: Record<string, ExtraService>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:platform:Platform", name, {}, opts);
    const c = args.config;
    const ns = c.namespace;
    this.namespace = ns;
    const labels = standardLabels("platform", name);

    const namespace = new k8s.core.v1.Namespace(
      ns,
      {
        metadata: {
          name: ns,
          labels: {
            ...labels,
            // Pod Security Admission enforces what the components already set.
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
          },
        },
      },
      { parent: this },
    );
    const after = { parent: this, dependsOn: [namespace] };

    const budget = budgetOf(c.nodeBudget);
    new k8s.core.v1.ResourceQuota(
      BUDGET_QUOTA_NAME,
      {
        metadata: { name: BUDGET_QUOTA_NAME, namespace: ns, labels, annotations: budgetAnnotations(budget) },
        spec: { hard: budgetQuotaHard(budget) },
      },
      after,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny-ingress`,
      {
        metadata: { name: "default-deny-ingress", namespace: ns, labels },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      },
      after,
    );

    const ready = [namespace];
    this.image = new AppImage("app-image", { config: c.images }, { parent: this });

    if (c.playwright?.enabled) {
      this.playwright = new PlaywrightService(PLAYWRIGHT.name, { namespace: ns, config: c.playwright, image: c.images.playwright, dependsOn: ready }, { parent: this });
    }
    if (c.celery) {
      const workerEnv = this.playwright ? [{ name: PLAYWRIGHT_URL_ENV, value: this.playwright.connectUrl }] : [];
      this.celery = new Celery(CELERY_NAME, { namespace: ns, config: c.celery, image: this.image.worker, workerEnv, databaseAt: databaseEndpoint(c), dependsOn: ready }, { parent: this });
    }
    // Web reaches Postgres with the pool sizes max_connections was checked against. It sends tasks, so it
    // also loads the same Celery settings module and knows the broker password.
    const clientOf = this.celery
      ? {
          env: webClientEnv(c),
          volumes: [clientVolume(this.celery.configMapName)],
          volumeMounts: [clientMount()],
          podAnnotations: { "rightsize.io/celery-config-sha256": this.celery.clientConfigHash },
        }
      : { env: webClientEnv(c) };
    this.web = new WebService("web", { namespace: ns, config: c.web, image: this.image.web, dependsOn: ready, clientOf }, { parent: this });

    this.extras = {};
    for (const [extra, e] of Object.entries(c.extras).sort(([x], [y]) => x.localeCompare(y))) {
      if (e.enabled) this.extras[extra] = new ExtraService(extra, { namespace: ns, config: e, dependsOn: ready }, { parent: this });
    }

    // Data layer: names from shared/endpoints.ts, so the app's components find the Services and Secrets.
    const data = { namespace: ns, dependsOn: [namespace] };
    // With the pooler on, the app reaches Postgres only through PgBouncer, and max_connections is the pooler's.
    const pooler = stackPooler(c);
    this.postgres = new Postgres(
      POSTGRES.name,
      {
        ...data,
        config: servedPostgres(c, pooler),
        image: c.images.postgres,
        secretName: POSTGRES.secret,
        clients: pooler.enabled ? [pgbouncerSelector(PGBOUNCER.name)] : [APP_CLIENT_LABEL],
        userlist: pooler.enabled,
      },
      { parent: this },
    );
    if (pooler.enabled) {
      this.pgbouncer = new Pgbouncer(
        PGBOUNCER.name,
        {
          ...data,
          config: c.postgres.pooler,
          plan: pooler,
          database: c.postgres.database,
          user: c.postgres.username,
          image: c.images.pgbouncer,
          secretName: POSTGRES.secret,
          dependsOn: [namespace, this.postgres.secret],
        },
        { parent: this },
      );
    }
    const redis = (which: "broker" | "cache", config: StackConfig["redis"]["broker"]) =>
      new Redis(
        REDIS[which].name,
        { ...data, config, configKey: `redis.${which}`, image: c.images.redis, port: REDIS[which].port, secretName: REDIS[which].secret, passwordKey: REDIS[which].passwordKey },
        { parent: this },
      );
    this.redis = { broker: redis("broker", c.redis.broker), ...(c.redis.cache ? { cache: redis("cache", c.redis.cache) } : {}) };
    this.meilisearch = new Meilisearch(
      MEILISEARCH.name,
      { ...data, config: c.meilisearch, environment: c.environment, image: c.images.meilisearch, secretName: MEILISEARCH.secret },
      { parent: this },
    );

    this.registerOutputs({ namespace: ns });
  }
}
