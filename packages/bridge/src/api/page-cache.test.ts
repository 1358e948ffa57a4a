import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Body } from './json-body.ts';
import { type Page, PageCache } from './page-cache.ts';

const text = (page: Page<unknown>) => new TextDecoder().decode(page.body);
const page = (text: string, next?: number): Page<number> => ({ body: Buffer.from(text) as Body, next });

/** Builds that record their keys, each page's body its key. */
function recording() {
  const built: string[] = [];
  const build = (key: string) => async () => {
    built.push(key);
    return page(key);
  };
  return { built, build };
}

describe('PageCache', () => {
  it('builds a page once per seq, also for requests that arrive while it is built', async () => {
    const cache = new PageCache<number>();
    let builds = 0;
    const build = async () => page(`{"n":${++builds}}`);
    const first = await Promise.all([cache.page('p1', 7, build), cache.page('p1', 7, build)]);
    expect(first.map(text)).toEqual(['{"n":1}', '{"n":1}']);
    expect(text(await cache.page('p1', 7, build))).toBe('{"n":1}');
    expect(builds).toBe(1);
    // A write moved the seq: built again, and the old body is never served.
    expect(text(await cache.page('p1', 8, build))).toBe('{"n":2}');
    expect(text(await cache.page('p1', 8, build))).toBe('{"n":2}');
    // A request that read the seq before that write gets a fresh body, not kept.
    expect(text(await cache.page('p1', 7, build))).toBe('{"n":3}');
    expect(text(await cache.page('p1', 8, build))).toBe('{"n":2}');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 4, misses: 3 });
  });

  it('keeps at most its bytes, dropping the least recently used first', async () => {
    const cache = new PageCache<number>({ maxBytes: 25 });
    const builds: string[] = [];
    const build = (key: string) => async () => {
      builds.push(key);
      return page(key.padEnd(10, '.'));
    };
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.page(key, 1, build(key));
    // a, b kept (20 bytes); a used again; c pushes out b (the least recently used); b rebuilt.
    expect(builds).toEqual(['a', 'b', 'c', 'b']);
  });

  it('forgets a build that failed', async () => {
    const cache = new PageCache<number>();
    await expect(cache.page('p', 1, () => Promise.reject(new Error('store down')))).rejects.toThrow();
    expect(text(await cache.page('p', 1, async () => page('ok')))).toBe('ok');
  });

  it('reads one page ahead after the answers on their way, at most one at a time', async () => {
    const cache = new PageCache<number>();
    const { built, build } = recording();
    await cache.page('p1', 1, build('p1'));
    cache.readAhead('p2', 1, build('p2'));
    cache.readAhead('p3', 1, build('p3')); // one is under way: not this one
    expect(built).toEqual(['p1']); // nothing before the current answer has gone
    await turn();
    expect(built).toEqual(['p1', 'p2']);
    expect(text(await cache.page('p2', 1, build('p2')))).toBe('p2');
    expect(built).toEqual(['p1', 'p2']);
    expect({ hits: cache.hits, misses: cache.misses, readAheads: cache.readAheads }).toEqual({
      hits: 1,
      misses: 1,
      readAheads: 1,
    });
    // Kept already: not built again.
    cache.readAhead('p2', 1, build('p2'));
    await turn();
    expect(built).toEqual(['p1', 'p2']);
  });

  it('does not read ahead at a seq a write has left behind', async () => {
    const cache = new PageCache<number>();
    const { built, build } = recording();
    await cache.page('p1', 1, build('p1'));
    cache.readAhead('p2', 1, build('p2'));
    await cache.page('p1', 2, build('p1')); // a write moved the seq before the read-ahead ran
    await turn();
    cache.readAhead('p3', 1, build('p3')); // asked at the old seq
    await turn();
    expect(built).toEqual(['p1', 'p1']);
    expect(cache.readAheads).toBe(0);
  });

  it('does not read ahead while the store is being written', async () => {
    let now = 0;
    const cache = new PageCache<number>({ quietMs: 1000, clock: () => now });
    const { built, build } = recording();
    await cache.page('p1', 1, build('p1')); // the first seq seen: no write seen yet
    cache.readAhead('p2', 1, build('p2'));
    await turn();
    expect(built).toEqual(['p1', 'p2']);
    now = 10_000;
    await cache.page('p1', 2, build('p1')); // a write
    now = 10_999;
    cache.readAhead('p2', 2, build('p2'));
    await turn();
    expect(built).toEqual(['p1', 'p2', 'p1']);
    now = 11_000;
    cache.readAhead('p2', 2, build('p2'));
    await turn();
    expect(built).toEqual(['p1', 'p2', 'p1', 'p2']);
  });
});
