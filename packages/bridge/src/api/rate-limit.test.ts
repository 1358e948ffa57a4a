import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('peek says what take would, without spending', () => {
    const limiter = new RateLimiter(2, () => 0);
    expect(limiter.peek('a').allowed).toBe(true);
    expect(limiter.peek('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.peek('a')).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.size).toBe(1);
  });

  it('remembers a bounded number of keys: refilled buckets go first, then the oldest', () => {
    let now = 0;
    const limiter = new RateLimiter(1, () => now, 3);
    for (const key of ['a', 'b', 'c']) limiter.take(key);
    now = 60_000; // a, b and c have refilled
    limiter.take('d');
    expect(limiter.size).toBe(1);
    for (const key of ['e', 'f', 'g']) limiter.take(key);
    expect(limiter.size).toBe(3);
    // d was the oldest of the empty buckets: forgotten, so it may try again.
    expect(limiter.peek('d').allowed).toBe(true);
    expect(limiter.peek('g').allowed).toBe(false);
  });
});
