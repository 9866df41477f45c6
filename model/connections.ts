// What each client workload may open against Postgres: the client's component computes its own demand
// and Postgres' check adds them up, so Postgres needs no knowledge of who its clients are.

/** One workload's share of the connections: pods x processes x pool, explained for the error. */
export interface ConnectionDemand {
  /** Config key of the workload, e.g. `web` or `celery.workers.default`. */
  readonly key: string;
  readonly connections: number;
  /** The arithmetic, e.g. `web: (6 pods + 1 surge) x 3 gunicorn workers x (5 pool + 5 overflow) = 210`. */
  readonly explain: string;
}
