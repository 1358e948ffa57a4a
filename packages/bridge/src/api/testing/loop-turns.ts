import { loopBudget } from '../../bounded-work.ts';

/**
 * Runs `work` with a loop budget of 0 (sliced work makes way at every step) and counts the turns
 * of the event loop taken meanwhile: a count of steps that no machine's speed changes.
 */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  const budget = loopBudget.ms;
  loopBudget.ms = 0;
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { value: await work(), turns };
  } finally {
    running = false;
    loopBudget.ms = budget;
  }
}
