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
  ) {
    this.#capacity = requestsPerMinute;
    this.#perMs = requestsPerMinute / 60_000;
  }

  take(key: string): RateLimitDecision {
    const now = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    // A clock that steps back (NTP) must not refill or drain the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + elapsed * this.#perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
    return { allowed: false, retryAfterSeconds, remaining: 0 };
  }
}
