/*
 * Stepped computations: a long pure computation written as a generator that yields between its
 * steps, so that a caller sharing its thread (the bridge's API) can let other work run between
 * them, while any other caller runs it to its end at once with `drain`.
 */

/** Invoices a long pass over a group handles between two yields (about 0.05 s at 1M invoices). */
export const STEP_SLICE = 100_000;

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
