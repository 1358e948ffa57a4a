/*
 * Stepped computations: a long pure computation written as a generator that yields between its
 * steps, so that a caller sharing its thread (the bridge's API) can let other work run between
 * them, while any other caller runs it to its end at once with `drain`.
 */

/**
 * Invoices a long pass over a group handles between two yields: a few milliseconds of the
 * heaviest pass (a renewal projection, about 1 us an invoice). A yield costs a caller that turns
 * its loop only every few milliseconds (the bridge's `betweenSlices`) next to nothing. The
 * passes yield from their own loops (`if (k % STEP_SLICE === 0) yield`), not through a shared
 * helper taking the loop's body as a function: one call site for every pass's body is
 * megamorphic, and the forecast over a million invoices took 1.25x as long through one.
 */
export const STEP_SLICE = 10_000;

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
