import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../config.ts';
import { matchToken } from './auth.ts';
import { createHarness, errorOf, type Harness, SECOND_TOKEN, TOKEN } from './testing/harness.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const bare = (path: string, headers: Record<string, string> = {}) => h!.app.request(path, { headers });

describe('bearer auth on /v1', () => {
  it('401 with a Bearer challenge when the header is missing', async () => {
    h = await createHarness();
    const res = await bare('/v1/sources');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="forecaster-bridge"');
    const error = await errorOf(res);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/Authorization: Bearer/);
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it.each([
    ['Basic scheme', `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`],
    ['token without scheme', TOKEN],
    ['empty bearer', 'Bearer '],
    ['token with a space inside', `Bearer ${TOKEN.slice(0, 5)} ${TOKEN.slice(5)}`],
  ])('401 for a wrong scheme or shape (%s)', async (_, header) => {
    h = await createHarness();
    const res = await bare('/v1/sources', { Authorization: header });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await errorOf(res)).code).toBe('unauthorized');
  });

  it('401 invalid_token for a wrong token, and for a token differing in one character', async () => {
    h = await createHarness();
    for (const token of ['nope', `${TOKEN}x`, `${TOKEN.slice(0, -1)}X`, TOKEN.toUpperCase()]) {
      const res = await bare('/v1/sources', { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer realm="forecaster-bridge", error="invalid_token"',
      );
      expect((await errorOf(res)).code).toBe('unauthorized');
    }
  });

  it('accepts the right token, either configured token, and a lower-case scheme', async () => {
    h = await createHarness();
    for (const header of [`Bearer ${TOKEN}`, `Bearer ${SECOND_TOKEN}`, `bearer ${TOKEN}`]) {
      const res = await bare('/v1/sources', { Authorization: header });
      expect(res.status).toBe(200);
      expect((await res.json()).data.map((s: { id: string }) => s.id)).toEqual(['eu', 'us']);
    }
  });

  it('refuses every token when none is configured', async () => {
    h = await createHarness({ config: { tokens: [] } });
    const res = await bare('/v1/sources', { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(401);
  });

  it('guards every /v1 route, and unknown /v1 paths answer 401 before 404', async () => {
    h = await createHarness();
    for (const path of [
      '/v1/sources',
      '/v1/sources/eu',
      '/v1/sources/eu/sync',
      '/v1/invoices',
      '/v1/invoices/eu/1',
      '/v1/changes',
      '/v1/revenue',
      '/v1/nothing-here',
    ]) {
      expect((await bare(path)).status, path).toBe(401);
    }
    expect((await h.app.request('/v1/sources/eu/sync', { method: 'POST' })).status).toBe(401);
    expect(h.sync.triggered).toEqual([]);
    expect((await h.get('/v1/nothing-here')).status).toBe(404);
  });

  it('the system endpoints need no token', async () => {
    h = await createHarness();
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await bare(path)).status, path).toBe(200);
    }
  });

  it('marks authenticated answers as not cacheable', async () => {
    h = await createHarness();
    expect((await h.get('/v1/sources')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('matchToken', () => {
  const tokens = [
    { name: 'a', sha256: sha256('token-a') },
    { name: 'b', sha256: sha256('token-b') },
    { name: 'c', sha256: sha256('token-c') },
  ];

  it('names the matching token', () => {
    expect(matchToken('token-a', tokens)).toBe('a');
    expect(matchToken('token-c', tokens)).toBe('c');
    expect(matchToken('token-d', tokens)).toBeUndefined();
  });

  it('compares with every configured token in constant time, whether and wherever one matches', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    for (const presented of ['token-a', 'token-b', 'token-c', 'nothing']) {
      spy.mockClear();
      matchToken(presented, tokens);
      expect(spy, presented).toHaveBeenCalledTimes(3);
      for (const call of spy.mock.calls) expect((call[0] as Buffer).equals(sha256(presented))).toBe(true);
    }
  });

  it('a malformed configured hash never matches but is still compared', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(matchToken('token-a', [{ name: 'short', sha256: Buffer.alloc(4) }, ...tokens])).toBe('a');
    expect(spy).toHaveBeenCalledTimes(4);
  });
});

describe('rate limit per token', () => {
  it('429 with Retry-After once a token spent its minute, per token, and recovers with time', async () => {
    let now = new Date('2024-06-15T12:00:00Z');
    h = await createHarness({ config: { rateLimit: { requestsPerMinute: 3 } }, clock: () => now });
    for (let i = 0; i < 3; i++) expect((await h.get('/v1/sources')).status).toBe(200);

    const limited = await h.get('/v1/sources');
    expect(limited.status).toBe(429);
    // 3 a minute refill one every 20 s.
    expect(limited.headers.get('retry-after')).toBe('20');
    const error = await errorOf(limited);
    expect(error.code).toBe('rate_limited');
    expect(error.details).toEqual({ retryAfterSeconds: 20 });
    expect(limited.headers.get('x-request-id')).toBe(error.requestId);

    // The other token has its own bucket.
    const other = await h.app.request('/v1/sources', {
      headers: { Authorization: `Bearer ${SECOND_TOKEN}` },
    });
    expect(other.status).toBe(200);

    now = new Date(now.getTime() + 5_000);
    expect((await h.get('/v1/sources')).headers.get('retry-after')).toBe('15');
    now = new Date(now.getTime() + 15_000);
    expect((await h.get('/v1/sources')).status).toBe(200);
    expect((await h.get('/v1/sources')).status).toBe(429);
  });

  it('does not limit the system endpoints', async () => {
    h = await createHarness({ config: { rateLimit: { requestsPerMinute: 1 } } });
    for (let i = 0; i < 5; i++) expect((await h.app.request('/healthz')).status).toBe(200);
  });
});

describe('failed authentication is limited per client address (issue 10 item 8)', () => {
  it('after 10 failures a minute every request from the address gets 429 with Retry-After, even with the right token', async () => {
    let now = new Date('2024-06-15T12:00:00Z');
    h = await createHarness({ clock: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses.push((await bare('/v1/sources', { Authorization: `Bearer wrong-${i}` })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(40).fill(429));
    // A right guess now tells the guesser nothing: it is refused like the rest.
    const right = await h.get('/v1/sources');
    expect(right.status).toBe(429);
    // 10 a minute refill one every 6 s.
    expect(right.headers.get('retry-after')).toBe('6');
    const error = await errorOf(right);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/failed authentications from this address/);

    now = new Date(now.getTime() + 6_000);
    expect((await h.get('/v1/sources')).status).toBe(200);
    // A success costs nothing from the failure allowance.
    expect((await h.get('/v1/sources')).status).toBe(200);
  });

  it('the limit follows the configured allowance, and the system endpoints stay open', async () => {
    h = await createHarness({ config: { rateLimit: { requestsPerMinute: 600, failedAuthPerMinute: 2 } } });
    expect((await bare('/v1/sources')).status).toBe(401);
    expect((await bare('/v1/sources', { Authorization: 'Basic x' })).status).toBe(401);
    expect((await bare('/v1/sources', { Authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    expect((await bare('/healthz')).status).toBe(200);
  });
});
