import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeInvoice, type WireInvoice } from '@forecaster/whmcs-client';
import { generateWorld } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastResponseSchema } from './forecast.ts';
import { createHarness, type Harness } from './testing/harness.ts';

/*
 * /v1/forecast and /v1/forecast/backtest over the real store, fed a small generated hosting
 * business (the simulator's world) as the bridge would have synced it on 2024-06-15.
 */

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'forecast-routes-'));
  h = await createHarness({ config: { dataDir } });
  const world = generateWorld({ preset: 'stable', seed: 3, clients: 60, years: 4, start: '2020-07-01' });
  const rows = world.invoicesAsOf(new Date('2024-06-15T12:00:00Z')) as WireInvoice[];
  await h.put(
    'eu',
    rows.map((raw) => ({ invoice: normalizeInvoice(raw, { source: 'eu', timeZone: 'UTC' }), raw })),
  );
}, 60_000);
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function json<T>(path: string): Promise<T> {
  const res = await h.get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

describe('GET /v1/forecast', () => {
  it('forecasts the months and weeks after today, per currency, with the parts and intervals', async () => {
    const body = forecastResponseSchema.parse(await json('/v1/forecast?source=eu&months=6&weeks=4'));
    expect(body.asOf).toBe('2024-06-15');
    const eu = body.monthly.filter((r) => r.source === 'eu' && r.currency === body.monthly[0]?.currency);
    expect(eu.map((r) => r.period)).toEqual([
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
    ]);
    // June is under way: what was collected up to the 15th is part of it.
    expect(Number(eu[0]?.parts.collectedToDate)).toBeGreaterThan(0);
    for (const r of body.monthly) {
      expect(Number(r.p10)).toBeLessThanOrEqual(Number(r.expected));
      expect(Number(r.expected)).toBeLessThanOrEqual(Number(r.p90));
    }
    expect(body.weekly.filter((r) => r.source === 'eu')[0]?.period).toBe('2024-06-16');
    expect(body.method.served.every((s) => s.served === 'method')).toBe(true);
    expect(body.backtest).toBeNull();
  });

  it('serves by the backtest once it has run, and says what it served', async () => {
    const bt = await json<{
      data: Array<{
        source: string;
        served: string;
        horizons: Array<{ unit: string; h: number; n: number }>;
      }>;
    }>('/v1/forecast/backtest?source=eu&origins=4');
    const eu = bt.data.find((g) => g.source === 'eu');
    expect(eu?.horizons.find((x) => x.unit === 'month' && x.h === 1)?.n).toBe(4);
    const body = forecastResponseSchema.parse(await json('/v1/forecast?source=eu&months=3&weeks=2'));
    expect(body.backtest).toEqual({ dataAsOf: '2024-06-15', origins: 4 });
    const served = body.method.served.find((s) => s.source === 'eu');
    expect(served?.served).toBe(eu?.served);
    expect(served?.reason).toMatch(/WAPE/);
  }, 60_000);

  it('keeps the first live forecast of the day on record, scores it, and compares two', async () => {
    const first = forecastResponseSchema.parse(await json('/v1/forecast?source=eu&months=2&weeks=1'));
    const again = forecastResponseSchema.parse(await json('/v1/forecast?source=eu&months=2&weeks=1'));
    expect(again.issued?.id).toBe(first.issued?.id);
    expect(again.issued?.created).toBe(false);
    // A past origin is a question, not an issued forecast.
    const past = forecastResponseSchema.parse(
      await json('/v1/forecast?source=eu&asOf=2024-01-31&months=2&weeks=1'),
    );
    expect(past.issued).toBeNull();
    const list = await json<{ data: Array<{ id: number; asOf: string; score: { scoredPeriods: number } }> }>(
      '/v1/forecast/issued?source=eu',
    );
    expect(list.data.map((f) => f.id)).toContain(first.issued?.id);
    // Today's forecast has no ended period yet.
    expect(list.data[0]?.score.scoredPeriods).toBe(0);
    const one = await json<{ data: { id: number; monthly: unknown[] } }>(
      `/v1/forecast/issued/${first.issued?.id}`,
    );
    expect(one.data.monthly.length).toBeGreaterThan(0);
    const id = first.issued?.id as number;
    const compared = await json<{ methodVersionChanged: boolean; periods: Array<{ difference: string }> }>(
      `/v1/forecast/compare?a=${id}&b=${id}`,
    );
    expect(compared.methodVersionChanged).toBe(false);
    expect(compared.periods.every((p) => p.difference === '0.00')).toBe(true);
    // In a reporting currency: refused without the operator's rates, converted with them.
    expect((await h.get(`/v1/forecast/compare?a=${id}&b=${id}&convertTo=EUR`)).status).toBe(400);
    writeFileSync(join(dataDir, 'rates.csv'), 'Date,USD,GBP\n2024-06-14,1.1000,0.8500\n');
    const converted = await json<{
      periods: Array<{
        currency: string;
        converted?: { currency: string; byCause: { rates: string } | null };
      }>;
      events: Record<string, string>;
    }>(`/v1/forecast/compare?a=${id}&b=${id}&convertTo=EUR`);
    const usd = converted.periods.filter((p) => p.currency === 'USD');
    expect(usd.length).toBeGreaterThan(0);
    for (const p of usd) expect(p.converted).toMatchObject({ currency: 'EUR', byCause: { rates: '0.00' } });
    expect(converted.events.rates).toMatch(/exchange rate/);
    expect((await h.get('/v1/forecast/issued/999999')).status).toBe(404);
    expect((await h.get(`/v1/forecast/compare?a=${id}`)).status).toBe(400);
  }, 60_000);

  it('serves by the backtest kept in the store after a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'forecast-kept-')), 'bridge.db');
    const world = generateWorld({ preset: 'stable', seed: 3, clients: 60, years: 4, start: '2020-07-01' });
    const rows = (world.invoicesAsOf(new Date('2024-06-15T12:00:00Z')) as WireInvoice[]).map((raw) => ({
      invoice: normalizeInvoice(raw, { source: 'eu', timeZone: 'UTC' }),
      raw,
    }));
    const before = await createHarness({ path });
    await before.put('eu', rows);
    const bt = (await (await before.get('/v1/forecast/backtest?source=eu&origins=3')).json()) as {
      data: Array<{ source: string; served: string }>;
    };
    await before.close();
    const after = await createHarness({ path });
    try {
      const res = await after.get('/v1/forecast?source=eu&months=2&weeks=1');
      expect(res.status).toBe(200);
      const body = forecastResponseSchema.parse(await res.json());
      // Without the kept backtest this is null and every row says "no backtest yet".
      expect(body.backtest).toEqual({ dataAsOf: '2024-06-15', origins: 3 });
      const served = body.method.served.find((s) => s.source === 'eu');
      expect(served?.served).toBe(bt.data.find((g) => g.source === 'eu')?.served);
      expect(served?.reason).toMatch(/WAPE/);
    } finally {
      await after.close();
    }
  }, 60_000);

  it('refuses a horizon out of range', async () => {
    expect((await h.get('/v1/forecast?months=0')).status).toBe(400);
    expect((await h.get('/v1/forecast?weeks=53')).status).toBe(400);
  });
});
