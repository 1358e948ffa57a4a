import { describe, expect, it } from 'vitest';
import { STORE_KINDS, storePlace } from './testing/stores.ts';

describe.each(STORE_KINDS)('issued forecasts on the %s store', (kind) => {
  it('keeps the first forecast of an origin day, sources and version, and lists newest first', async () => {
    let now = new Date('2024-06-15T10:00:00Z');
    const place = await storePlace(kind);
    const store = await place.open(() => now);
    const entry = (asOf: string, version = '1.0.0', body = { monthly: [] as unknown[] }) => ({
      asOf,
      dataAsOf: asOf,
      sources: ['us', 'eu'],
      method: 'm',
      version,
      body,
    });
    const first = await store.forecasts.issueForecast(entry('2024-06-15'));
    expect(first.created).toBe(true);
    expect(first.forecast.sources).toEqual(['eu', 'us']);
    now = new Date('2024-06-15T18:00:00Z');
    const again = await store.forecasts.issueForecast(entry('2024-06-15', '1.0.0', { monthly: [1] }));
    expect(again).toEqual({ forecast: first.forecast, created: false });
    const newer = await store.forecasts.issueForecast(entry('2024-06-15', '1.1.0'));
    expect(newer.created).toBe(true);
    const list = await store.forecasts.listIssuedForecasts(['eu', 'us'], 10);
    expect(list.map((f) => f.version)).toEqual(['1.1.0', '1.0.0']);
    expect(await store.forecasts.listIssuedForecasts(['eu'], 10)).toEqual([]);
    expect((await store.forecasts.getIssuedForecast(first.forecast.id))?.issuedAt).toBe(
      '2024-06-15T10:00:00.000Z',
    );
    await store.close();
    await place.dispose();
  });

  it('keeps the last backtest of a set of sources, replacing the one before', async () => {
    let now = new Date('2024-06-15T10:00:00Z');
    const place = await storePlace(kind);
    const store = await place.open(() => now);
    const entry = (origins: number) => ({
      sources: ['us', 'eu'],
      dataAsOf: '2024-06-15',
      origins,
      version: '1.1.0',
      groups: [{ served: 'trailingMean' }],
    });
    expect(await store.forecasts.keptBacktest(['eu', 'us'])).toBeUndefined();
    await store.forecasts.keepBacktest(entry(24));
    now = new Date('2024-06-16T10:00:00Z');
    await store.forecasts.keepBacktest(entry(6));
    expect(await store.forecasts.keptBacktest(['us', 'eu'])).toEqual({
      sources: ['eu', 'us'],
      computedAt: '2024-06-16T10:00:00.000Z',
      dataAsOf: '2024-06-15',
      origins: 6,
      version: '1.1.0',
      groups: [{ served: 'trailingMean' }],
    });
    expect(await store.forecasts.keptBacktest(['eu'])).toBeUndefined();
    await store.close();
    await place.dispose();
  });
});
