/**
 * WHMCS's failed-login ban: `threshold` authentication failures from one address within `windowMs`
 * ban it for `durationMs` ("Failed Admin Login Ban Time"); a banned address gets `IP Banned`
 * whatever it sends, even with a valid access key.
 */
export interface BanRule {
  threshold: number;
  windowMs: number;
  durationMs: number;
}

/** WHMCS's defaults: three failures in 30 minutes ban for 15 minutes. */
export const WHMCS_BAN_RULE: BanRule = { threshold: 3, windowMs: 30 * 60_000, durationMs: 15 * 60_000 };

/**
 * The ban list in memory, by the caller's clock (tests move time instead of waiting). A flood of
 * addresses cannot grow it without bound: past `maxTracked`, expired then oldest entries go.
 *
 * @example
 * const bans = new BanList(WHMCS_BAN_RULE);
 * if (bans.recordFailure(ip, Date.now())) log.warn(`${ip} banned`);
 */
export class BanList {
  readonly #failures = new Map<string, number[]>();
  readonly #bans = new Map<string, number>();

  constructor(
    private readonly rule: BanRule,
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
    const recent = (this.#failures.get(ip) ?? []).filter((at) => nowMs - at < this.rule.windowMs);
    recent.push(nowMs);
    this.#failures.delete(ip);
    if (recent.length >= this.rule.threshold) {
      this.#bans.set(ip, nowMs + this.rule.durationMs);
      this.#trim(this.#bans, (until) => until <= nowMs);
      return true;
    }
    this.#failures.set(ip, recent);
    this.#trim(this.#failures, (times) => times.every((at) => nowMs - at >= this.rule.windowMs));
    return false;
  }

  /** Lifts a ban and forgets the address's failures (WHMCS's Banned IPs page). */
  unban(ip: string): void {
    this.#bans.delete(ip);
    this.#failures.delete(ip);
  }

  /** The addresses banned now. */
  banned(nowMs: number): string[] {
    return [...this.#bans.keys()].filter((ip) => this.isBanned(ip, nowMs));
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
