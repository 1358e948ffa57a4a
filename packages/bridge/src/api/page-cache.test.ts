import { describe, expect, it } from 'vitest';
import type { Body } from './json-body.ts';
import { PageCache } from './page-cache.ts';

const text = (body: Uint8Array) => new TextDecoder().decode(body);
const bytes = (text: string) => Buffer.from(text) as Body;

describe('PageCache', () => {
  it('builds a page once per seq, also for requests that arrive while it is built', async () => {
    const cache = new PageCache();
    let builds = 0;
    const build = async () => bytes(`{"n":${++builds}}`);
    const first = await Promise.all([cache.body('p1', 7, build), cache.body('p1', 7, build)]);
    expect(first.map(text)).toEqual(['{"n":1}', '{"n":1}']);
    expect(text(await cache.body('p1', 7, build))).toBe('{"n":1}');
    expect(builds).toBe(1);
    // A write moved the seq: built again, and the old body is never served.
    expect(text(await cache.body('p1', 8, build))).toBe('{"n":2}');
    expect(text(await cache.body('p1', 8, build))).toBe('{"n":2}');
    // A request that read the seq before that write gets a fresh body, not kept.
    expect(text(await cache.body('p1', 7, build))).toBe('{"n":3}');
    expect(text(await cache.body('p1', 8, build))).toBe('{"n":2}');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 4, misses: 3 });
  });

  it('keeps at most its bytes, dropping the least recently used first', async () => {
    const cache = new PageCache({ maxBytes: 25 });
    const builds: string[] = [];
    const build = (key: string) => async () => {
      builds.push(key);
      return bytes(key.padEnd(10, '.'));
    };
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.body(key, 1, build(key));
    // a, b kept (20 bytes); a used again; c pushes out b (the least recently used); b rebuilt.
    expect(builds).toEqual(['a', 'b', 'c', 'b']);
  });

  it('forgets a build that failed', async () => {
    const cache = new PageCache();
    await expect(cache.body('p', 1, () => Promise.reject(new Error('store down')))).rejects.toThrow();
    expect(text(await cache.body('p', 1, async () => bytes('ok')))).toBe('ok');
  });
});
