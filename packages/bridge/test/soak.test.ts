import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.ts';

/*
 * The soak in short (3 s, 10 connections), in every test run; `pnpm soak` runs the long one
 * (60 s, 50 connections). Same checks: no error at all while a full sync writes, RSS flat.
 */
describe('soak (short)', () => {
  it('3 s of load on /v1/invoices, /v1/changes and /v1/revenue during a full sync: no error, RSS flat', async () => {
    const lines: string[] = [];
    const result = await runSoak({
      durationSec: 3,
      connections: 10,
      invoices: 3000,
      log: (l) => lines.push(l),
    });
    expect(result.failures, lines.join('\n')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.syncRunningAtStart).toBe(true);
    expect(result.endpoints.map((e) => e.path)).toEqual([
      '/v1/invoices?limit=100',
      '/v1/changes?limit=100',
      '/v1/revenue',
    ]);
    for (const e of result.endpoints) {
      expect(e.requests, e.path).toBeGreaterThan(50);
      expect(e.non2xx + e.errors + e.timeouts).toBe(0);
    }
    expect(result.rssEndMb).toBeLessThanOrEqual(result.rssLimitMb);
    expect(lines.join('\n')).toMatch(/p50 ms\s+p99 ms/);
  }, 90_000);
});
