/*
 * A token bucket per API token: `requestsPerMinute` requests may come in a burst, and the
 * bucket refills continuously at that rate. Memory is one small entry per configured token.
 */

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until one request will be allowed again (when refused). */
  retryAfterSeconds: number;
  remaining: number;
}

export class RateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    requestsPerMinute: number,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {
    this.#capacity = requestsPerMinute;
    this.#perMs = requestsPerMinute / 60_000;
  }

  take(key: string): RateLimitDecision {
    return this.#decide(key, true);
  }

  /** What {@link take} would answer, without spending anything. */
  peek(key: string): RateLimitDecision {
    return this.#decide(key, false);
  }

  #decide(key: string, spend: boolean): RateLimitDecision {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    // A clock that steps back (NTP) must not refill or drain the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + elapsed * this.#perMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed && spend) bucket.tokens -= 1;
    if (spend || this.#buckets.has(key)) this.#remember(key, bucket, now);
    if (allowed) return { allowed, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
    return { allowed: false, retryAfterSeconds, remaining: 0 };
  }

  /*
   * Keys can be client addresses, which a caller chooses freely (IPv6): past `maxKeys`, buckets
   * that have refilled (they hold no memory worth keeping) are dropped, then the oldest.
   */
  #remember(key: string, bucket: { tokens: number; at: number }, now: number): void {
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size <= this.maxKeys) return;
    for (const [k, b] of this.#buckets) {
      if (b.tokens + Math.max(0, now - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(k);
    }
    for (const k of this.#buckets.keys()) {
      if (this.#buckets.size <= this.maxKeys) break;
      this.#buckets.delete(k);
    }
  }

  /** Keys currently remembered (for tests of the bound). */
  get size(): number {
    return this.#buckets.size;
  }
}
