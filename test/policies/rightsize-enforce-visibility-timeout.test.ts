// rightsize-enforce-visibility-timeout: the mandatory rule that a task is not delivered twice, from the rightsize.io/tuning annotation.
import { describe, expect, it } from "vitest";
import { evaluate, messages } from "../helpers/policy";
import { changed, setTuning } from "./fixtures";

const WORKER_TUNING = { worker_concurrency: 4, worker_max_memory_per_child: 307200, task_time_limit: 3600, visibility_timeout: 4200 };
const worker = (tuning: Record<string, unknown>) => changed("Deployment", "celery-worker", (o) => setTuning(o, tuning));

describe("rightsize-enforce-visibility-timeout", () => {
  const only = "rightsize-enforce-visibility-timeout";

  it("rejects the seed's task_time_limit 3600 under Redis' default visibility timeout 3600", async () => {
    const { visibility_timeout: _vt, ...rest } = WORKER_TUNING;
    expect(await evaluate(worker(rest))).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-worker",
        message:
          "Deployment celery-worker: visibility_timeout 3600 s (the Redis transport's default) does not exceed task_time_limit 3600 s; a task still running when the timeout passes is delivered again and runs twice",
      },
    ]);
  });

  it("reads broker_transport_options as Celery spells it", async () => {
    const { visibility_timeout: _vt, ...rest } = WORKER_TUNING;
    expect(await messages(worker({ ...rest, broker_transport_options: { visibility_timeout: 7200 } }), only)).toEqual([]);
    expect(await messages(worker({ ...rest, broker_transport_options: { visibility_timeout: 1800 } }), only)).toEqual([
      "Deployment celery-worker: visibility_timeout 1800 s does not exceed task_time_limit 3600 s; a task still running when the timeout passes is delivered again and runs twice",
    ]);
  });

  it("a worker with no hard time limit can outlive any visibility timeout", async () => {
    const { task_time_limit: _t, ...rest } = WORKER_TUNING;
    expect(await messages(worker(rest), only)).toEqual(["Deployment celery-worker: sets no task_time_limit; a task can outlive the visibility_timeout 4200 s and be delivered again"]);
  });

  it("a setting that is not a number is named", async () => {
    expect(await messages(worker({ ...WORKER_TUNING, task_time_limit: "an hour" }), only)).toEqual(['Deployment celery-worker: task_time_limit is "an hour", not a number']);
  });
});
