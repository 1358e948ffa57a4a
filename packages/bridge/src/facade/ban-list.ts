/**
 * WHMCS's failed-login ban: `threshold` authentication failures from one address within
 * `windowMs` ban it for `durationMs`; a banned address gets `IP Banned` whatever it sends. Held
 * in memory: a restart lifts every ban, as clearing WHMCS's ban list does.
 */
export class BanList {
  readonly #failures = new Map<string, number[]>();
  readonly #bans = new Map<string, number>();

  constructor(
    private readonly settings: { threshold: number; windowMs: number; durationMs: number },
    /** Addresses tracked at most: a flood of addresses cannot grow the process without bound. */
    private readonly maxTracked = 10_000,
  ) {}

  isBanned(ip: string, nowMs: number): boolean {
    const until = this.#bans.get(ip);
    if (until === undefined) return false;
    if (nowMs < until) return true;
    this.#bans.delete(ip);
    return false;
  }

  /** Records a failure; true when it bans the address. */
  recordFailure(ip: string, nowMs: number): boolean {
    const recent = (this.#failures.get(ip) ?? []).filter((at) => nowMs - at < this.settings.windowMs);
    recent.push(nowMs);
    this.#failures.delete(ip);
    if (recent.length >= this.settings.threshold) {
      this.#bans.set(ip, nowMs + this.settings.durationMs);
      this.#trim(this.#bans, (until) => until <= nowMs);
      return true;
    }
    this.#failures.set(ip, recent);
    this.#trim(this.#failures, (times) => times.every((at) => nowMs - at >= this.settings.windowMs));
    return false;
  }

  /** Drops expired entries, then the oldest ones (maps keep insertion order) over the cap. */
  #trim<V>(map: Map<string, V>, expired: (value: V) => boolean): void {
    if (map.size <= this.maxTracked) return;
    for (const [key, value] of map) if (expired(value)) map.delete(key);
    for (const key of map.keys()) {
      if (map.size <= this.maxTracked) break;
      map.delete(key);
    }
  }
}
