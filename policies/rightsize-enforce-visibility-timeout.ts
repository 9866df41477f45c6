// With Redis as the broker, a task not acknowledged within visibility_timeout is delivered again. Long
// tasks acknowledge late, so a visibility timeout at or below the hard time limit runs them twice.
import { numberSetting } from "./lib/tuning";
import { tuningPolicy } from "./lib/policy";
import { COMPONENT } from "../model/annotations";

/** kombu's Redis transport default, in seconds. */
export const DEFAULT_VISIBILITY_TIMEOUT = 3600;

export const enforceVisibilityTimeout = tuningPolicy({
  name: "rightsize-enforce-visibility-timeout",
  description: "The broker's visibility_timeout exceeds the Celery task hard time limit, so no task runs twice.",
  enforcementLevel: "mandatory",
  component: COMPONENT.celeryWorker,
  check: (tuning) => {
    const options = tuning.broker_transport_options;
    const nested = options && typeof options === "object" ? numberSetting(options as Record<string, unknown>, "visibility_timeout") : undefined;
    const vtSetting = numberSetting(tuning, "visibility_timeout") ?? nested;
    const limit = numberSetting(tuning, "task_time_limit");
    const errors = [vtSetting, limit].filter((v): v is { error: string } => typeof v === "object");
    if (errors.length > 0) return [errors.map((e) => e.error).join("; ")];
    const vt = (vtSetting as number | undefined) ?? DEFAULT_VISIBILITY_TIMEOUT;
    const vtText = `visibility_timeout ${vt} s${vtSetting === undefined ? " (the Redis transport's default)" : ""}`;
    if (limit === undefined) return [`sets no task_time_limit; a task can outlive the ${vtText} and be delivered again`];
    if (vt > (limit as number)) return [];
    return [`${vtText} does not exceed task_time_limit ${limit} s; a task still running when the timeout passes is delivered again and runs twice`];
  },
});
