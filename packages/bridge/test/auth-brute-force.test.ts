import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { configFor, TOKEN } from './harness.ts';
import { openBridge } from './reliability-support.ts';

/*
 * Issue 10 item 8, over a real server: 5,000 wrong tokens were answered 401 in 0.9 s, never
 * 429. Failed authentication is now limited per client address (10 a minute by default).
 */

function get(
  url: string,
  token: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; retryAfter?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/v1/sources',
        localAddress,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('guessing API tokens over HTTP', () => {
  it('500 wrong tokens: 10 are answered 401, the rest 429 with Retry-After; another address is unaffected', async () => {
    const { file, env } = configFor([]);
    const bridge = await openBridge(file, env);
    const url = await bridge.listen();
    const counts: Record<number, number> = {};
    let retryAfter: string | undefined;
    for (let i = 0; i < 500; i++) {
      const res = await get(url, `guess-${i.toString().padStart(32, '0')}`);
      counts[res.status] = (counts[res.status] ?? 0) + 1;
      if (res.status === 429) retryAfter = res.retryAfter;
    }
    expect(counts).toEqual({ 401: 10, 429: 490 });
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(6);
    // The guesser's address is refused even with the right token; another client is not.
    expect((await get(url, TOKEN)).status).toBe(429);
    expect((await get(url, TOKEN, '127.0.0.2')).status).toBe(200);
  });
});
