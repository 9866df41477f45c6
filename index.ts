// rightsize: the Pulumi program. Validates the whole stack config first (nothing is registered when it
// is wrong), then builds the platform.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/load";
import { Platform } from "./components/platform";

const config = loadStackConfig();
const platform = new Platform("rightsize", { config });

export const namespace = platform.namespace;
export const webUrl = platform.web.url;
export const gunicornWorkers = platform.web.settings.workers;
/** Where the app image comes from ("pinned" or "build") and what web and Celery run. */
export const appImage = pulumi.output({ source: platform.image.source, web: platform.image.web, worker: platform.image.worker });
/** worker_concurrency per Celery pool. */
export const celeryConcurrency = Object.fromEntries(Object.entries(platform.celery?.settings ?? {}).map(([p, s]) => [p, s.worker_concurrency]));
export const playwrightSessions = platform.playwright?.settings.CONCURRENT;
export const playwrightUrl = platform.playwright?.connectUrl;
export const extras = Object.keys(platform.extras);
