/*
 * Stepped computations: a long pure computation written as a generator that yields between its
 * steps, so that a caller sharing its thread (the bridge's API) can let other work run between
 * them, while any other caller runs it to its end at once with `drain`.
 */

/** A computation that yields between its steps and returns a T. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Runs a stepped computation to its end at once.
 *
 * @example drain(forecastCashSteps(ledger, options)) // the same answer as forecastCash
 */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
