import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compareForecastsSteps,
  dayOf,
  forecastCash,
  forecastCashSteps,
  revenueFiguresSteps,
} from '@forecaster/forecast';
import { describe, expect, it, vi } from 'vitest';
import { createHarness } from './testing/harness.ts';
import { harnessOnWorld } from './testing/world-invoices.ts';

vi.mock('@forecaster/forecast', async (original) => {
  const actual = await original<typeof import('@forecaster/forecast')>();
  return {
    ...actual,
    forecastCashSteps: vi.fn(actual.forecastCashSteps),
    compareForecastsSteps: vi.fn(actual.compareForecastsSteps),
    revenueFiguresSteps: vi.fn(actual.revenueFiguresSteps),
  };
});

const { harness, fetched } = harnessOnWorld({
  preset: 'stable',
  seed: 3,
  clients: 30,
  years: 3,
  start: '2021-07-01',
});

async function forecastPart(path: string): Promise<string> {
  const res = await harness().get(path);
  expect(res.status).toBe(200);
  const { issued: _i, trackRecord: _t, ...body } = (await res.json()) as Record<string, unknown>;
  return JSON.stringify(body);
}

describe('the forecast asked again of the same invoices', () => {
  it('is computed once per question until the store changes', async () => {
    const computed = vi.mocked(forecastCashSteps);
    const path = '/v1/forecast?source=eu&months=6&asOf=2024-02-29';
    const first = await forecastPart(path);
    expect(computed).toHaveBeenCalledTimes(1);
    expect(await forecastPart(path)).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
    await forecastPart('/v1/forecast?source=eu&months=3&asOf=2024-02-29');
    expect(computed).toHaveBeenCalledTimes(2);
    await harness().put('eu', fetched('2024-06-15T12:00:00Z'));
    await forecastPart(path);
    expect(computed).toHaveBeenCalledTimes(3);
  });

  it('after a restart, served by the backtest the store kept, is computed once too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forecast-memo-'));
    const path = join(dir, 'bridge.sqlite');
    const clock = () => new Date('2024-06-15T12:00:00Z');
    try {
      const before = await createHarness({ path, clock });
      await before.put('eu', fetched('2024-03-15T12:00:00Z'));
      expect((await before.get('/v1/forecast/backtest?source=eu&origins=2')).status).toBe(200);
      await before.close();
      const after = await createHarness({ path, clock });
      try {
        const computed = vi.mocked(forecastCashSteps);
        computed.mockClear();
        for (let k = 0; k < 2; k++) {
          const res = await after.get('/v1/forecast?source=eu&months=3&asOf=2024-02-29');
          expect(((await res.json()) as { backtest: unknown }).backtest).not.toBeNull();
        }
        // Each request reads the kept backtest back from the store as a new object.
        expect(computed).toHaveBeenCalledTimes(1);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the net forecast is computed once per question too, and shared by requests that ask at once', async () => {
    const computed = vi.mocked(forecastCashSteps);
    computed.mockClear();
    const path = '/v1/forecast/net?source=eu&months=6';
    const answers = await Promise.all([harness().get(path), harness().get(path)]);
    for (const res of answers) expect(res.status, await res.clone().text()).toBe(200);
    expect(computed).toHaveBeenCalledTimes(1);
    const first = await answers[0]?.text();
    const again = await harness().get(path);
    expect(await again.text()).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
    await harness().put('eu', fetched('2024-06-20T12:00:00Z'));
    expect((await harness().get(path)).status).toBe(200);
    expect(computed).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('two issued forecasts are compared by event once per pair until the store changes', async () => {
    const h = harness();
    const columns = await h.store.ledgerColumns(['eu']);
    const issue = async (asOf: string) => {
      const f = forecastCash(columns.columns, {
        asOf: dayOf(asOf),
        dataAsOf: dayOf('2024-03-15'),
        months: 3,
        weeks: 1,
      });
      const { forecast } = await h.store.forecasts.issueForecast({
        asOf: f.asOf,
        dataAsOf: f.dataAsOf,
        sources: ['eu'],
        method: f.method.name,
        version: f.method.version,
        body: { monthly: f.monthly, weekly: f.weekly, served: f.method.served },
      });
      return forecast.id;
    };
    const a = await issue('2023-10-31');
    const b = await issue('2023-12-31');
    const computed = vi.mocked(compareForecastsSteps);
    computed.mockClear();
    const path = `/v1/forecast/compare?a=${a}&b=${b}`;
    const answers = await Promise.all([h.get(path), h.get(path)]);
    const first = await answers[0]?.text();
    expect(await answers[1]?.text()).toBe(first);
    // Split by event: both origins replayed on the invoices.
    expect(JSON.parse(first ?? '{}').events).toBeDefined();
    expect(await (await h.get(path)).text()).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
    await h.put('eu', fetched('2024-06-25T12:00:00Z'));
    expect((await h.get(path)).status).toBe(200);
    expect(computed).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('revenue figures are kept per question, but not an explained answer (every invoice behind each cell)', async () => {
    const computed = vi.mocked(revenueFiguresSteps);
    computed.mockClear();
    for (let k = 0; k < 2; k++)
      expect((await harness().get('/v1/revenue/figures?source=eu')).status).toBe(200);
    expect(computed).toHaveBeenCalledTimes(1);
    for (let k = 0; k < 2; k++)
      expect((await harness().get('/v1/revenue/figures?source=eu&explain=true')).status).toBe(200);
    expect(computed).toHaveBeenCalledTimes(3);
  });
});
