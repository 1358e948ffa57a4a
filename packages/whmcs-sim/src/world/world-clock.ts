function instant(at: Date | string): number {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${String(at)}`);
  return ms;
}

/**
 * A settable clock to inject as the simulator's `now`: a backtest sets it to an origin, syncs, then
 * moves it forward, and the simulator serves the world as it was at each moment.
 * @example
 * const clock = new WorldClock('2024-01-01T00:00:00Z');
 * const sim = createWhmcsSimulator({ world, now: clock.now });
 * clock.advance({ days: 7 });
 */
export class WorldClock {
  #ms: number;

  constructor(start: Date | string) {
    this.#ms = instant(start);
  }

  /** The current instant (a new Date each call); pass it as `now`, it stays bound. */
  readonly now = (): Date => new Date(this.#ms);

  set(at: Date | string): void {
    this.#ms = instant(at);
  }

  /** Moves the clock forward (or back with negative amounts) and returns the new instant. */
  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): Date {
    this.#ms +=
      (by.days ?? 0) * 86_400_000 +
      (by.hours ?? 0) * 3_600_000 +
      (by.minutes ?? 0) * 60_000 +
      (by.seconds ?? 0) * 1000 +
      (by.ms ?? 0);
    return this.now();
  }
}
