// A derived value with its explanation, returned together so nothing is computed twice to explain it.

export interface Derived<T> {
  readonly value: T;
  /** The rule with its numbers, for a config file's comment or the plan ("min(2 x 500m + 1 = 2, ...) = 2"). */
  readonly why: string;
}
