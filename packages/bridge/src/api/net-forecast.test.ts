import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeInvoice, toUnits, type WireInvoice } from '@forecaster/whmcs-client';
import { generateWorld } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastResponseSchema } from './forecast.ts';
import { netForecastSchema } from './net-forecast.ts';
import { ALL_TOKEN, createHarness, type Harness, READ_TOKEN } from './testing/harness.ts';

/*
 * /v1/forecast/net and cash alerts over the real store, fed the simulator's small hosting
 * business as synced on 2024-06-15, against commitments made through the API.
 */

let h: Harness;
let dataDir: string;
let currency: string;
type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json & { data: Json } };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'net-forecast-'));
  h = await createHarness({ config: { dataDir } });
  const world = generateWorld({ preset: 'stable', seed: 3, clients: 60, years: 4, start: '2020-07-01' });
  const rows = world.invoicesAsOf(new Date('2024-06-15T12:00:00Z')) as WireInvoice[];
  await h.put(
    'eu',
    rows.map((raw) => ({ invoice: normalizeInvoice(raw, { source: 'eu', timeZone: 'UTC' }), raw })),
  );
  const forecast = forecastResponseSchema.parse(
    await (await h.get('/v1/forecast?source=eu&months=1')).json(),
  );
  currency = forecast.monthly[0]!.currency;
  const cp = (await call('POST', '/v1/counterparties', { name: 'DC' })).body.data;
  await call('POST', '/v1/commitments', {
    counterpartyId: cp.id,
    title: 'Rack',
    currency: 'CHF',
    amount: '10.00',
    cadence: 'monthly',
    startDate: '2024-01-05',
  });
  // One huge payment in August: that month's p10 cannot cover it.
  await call('POST', '/v1/commitments', {
    counterpartyId: cp.id,
    title: 'Generator',
    currency,
    amount: '99999999.00',
    cadence: 'one-off',
    startDate: '2024-08-20',
  });
}, 60_000);
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /v1/forecast/net', () => {
  it('is the revenue forecast minus the commitments, bands carried, p10 shortfalls flagged', async () => {
    const { status, body } = await call('GET', '/v1/forecast/net?source=eu&months=4');
    expect(status).toBe(200);
    const net = netForecastSchema.parse(body);
    expect(net.revenue).toBe('available');
    expect(net.asOf).toBe('2024-06-15');
    const revenue = forecastResponseSchema
      .parse(await (await h.get('/v1/forecast?source=eu&months=4')).json())
      .monthly.filter((r) => r.source === 'all' && r.currency === currency);
    const rows = net.data.filter((r) => r.currency === currency);
    expect(rows.map((r) => [r.month, r.costs])).toEqual([
      ['2024-06', '0.00'],
      ['2024-07', '0.00'],
      ['2024-08', '99999999.00'],
      ['2024-09', '0.00'],
    ]);
    for (const [k, row] of rows.entries()) {
      const r = revenue[k]!;
      expect(row.revenue).toEqual({ expected: r.expected, p10: r.p10, p90: r.p90 });
      for (const key of ['expected', 'p10', 'p90'] as const) {
        expect(toUnits(row.net![key])).toBe(toUnits(r[key]) - toUnits(row.costs));
      }
      expect(row.p10Shortfall).toBe(toUnits(r.p10) < toUnits(row.costs));
    }
    expect(rows.map((r) => r.p10Shortfall)).toEqual([false, false, true, false]);
    // A currency with commitments and no revenue: every month short.
    const chf = net.data.filter((r) => r.currency === 'CHF');
    expect(chf.map((r) => [r.costs, r.revenue?.p10, r.net?.p10, r.p10Shortfall])).toEqual(
      Array(4).fill(['10.00', '0.00', '-10.00', true]),
    );
  });

  it('answers costs only, and says why, for sources without invoices', async () => {
    const { body } = await call('GET', '/v1/forecast/net?source=us&months=2');
    const net = netForecastSchema.parse(body);
    expect(net.revenue).toBe('unavailable');
    expect(net.note).toMatch(/no synced invoices/);
    expect(net.data.map((r) => [r.month, r.currency, r.costs, r.revenue, r.net, r.p10Shortfall])).toEqual([
      ['2024-06', 'CHF', '10.00', null, null, null],
      ['2024-06', currency, '0.00', null, null, null],
      ['2024-07', 'CHF', '10.00', null, null, null],
      ['2024-07', currency, '0.00', null, null, null],
    ]);
  });

  it('sums every currency into the reporting currency with the rate file, and names missing rates', async () => {
    expect((await call('GET', '/v1/forecast/net?source=eu&months=2&convertTo=EUR')).status).toBe(400);
    const plain = netForecastSchema.parse((await call('GET', '/v1/forecast/net?source=eu&months=2')).body);
    const currencies = [...new Set(plain.data.map((r) => r.currency))].sort();
    expect(currencies.length).toBeGreaterThan(1);
    // Base EUR; every other currency at 2 per EUR: EUR doubles into USD, the others stay.
    const others = [...new Set([...currencies, 'USD'])].filter((c) => c !== 'EUR');
    writeFileSync(
      join(dataDir, 'rates.csv'),
      `Date,${others.join(',')}\n2024-06-01,${others.map(() => '2').join(',')}\n`,
    );
    const net = netForecastSchema.parse(
      (await call('GET', '/v1/forecast/net?source=eu&months=2&convertTo=USD')).body,
    );
    expect(net.missingRates).toEqual([]);
    expect(net.data.map((r) => [r.month, r.currency])).toEqual([
      ['2024-06', 'USD'],
      ['2024-07', 'USD'],
    ]);
    for (const row of net.data) {
      const parts = plain.data.filter((r) => r.month === row.month);
      const sum = (pick: (r: (typeof parts)[number]) => string) =>
        parts.reduce((s, r) => s + toUnits(pick(r)) * (r.currency === 'EUR' ? 2n : 1n), 0n);
      expect(toUnits(row.costs)).toBe(sum((r) => r.costs));
      expect(toUnits(row.revenue!.p10)).toBe(sum((r) => r.revenue!.p10));
      expect(toUnits(row.net!.expected)).toBe(sum((r) => r.net!.expected));
    }
    const cad = netForecastSchema.parse(
      (await call('GET', '/v1/forecast/net?source=eu&months=2&convertTo=CAD')).body,
    );
    expect(cad.missingRates).toEqual(currencies);
    rmSync(join(dataDir, 'rates.csv'));
  });
});

describe('cash alerts and alert settings', () => {
  it('raises a cash alert for a month whose p10 net cash is below the threshold the operator set', async () => {
    const before = await call('GET', '/v1/alerts?days=0');
    expect(before.body.data).toEqual([]);
    expect(before.body.notes).toEqual([expect.stringMatching(/No cash alert threshold/)]);

    const read = await call('GET', '/v1/alerts/settings');
    expect(read.headers.get('ETag')).toBe('"0"');
    const settings = {
      ...(read.body.data as Json),
      cash: { months: 12, reportingCurrency: null, thresholds: [{ currency, minimum: '-1000000.00' }] },
    };
    expect((await call('PUT', '/v1/alerts/settings', settings)).status).toBe(428);
    const denied = await h.app.request('/v1/alerts/settings', {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${READ_TOKEN}`,
        'Content-Type': 'application/json',
        'If-Match': '"0"',
      },
      body: JSON.stringify(settings),
    });
    expect(denied.status).toBe(403);
    const bad = await call(
      'PUT',
      '/v1/alerts/settings',
      { ...settings, noticeDays: 400 },
      { 'If-Match': '"0"' },
    );
    expect(bad.status).toBe(400);
    const saved = await call('PUT', '/v1/alerts/settings', settings, { 'If-Match': '"0"' });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('ETag')).toBe('"1"');
    expect((await call('PUT', '/v1/alerts/settings', settings, { 'If-Match': '"0"' })).status).toBe(412);

    const { body } = await call('GET', '/v1/alerts?days=0');
    expect(body.data).toEqual([
      {
        id: `cash_low:${currency}:2024-08`,
        kind: 'cash_low',
        severity: 'critical',
        date: '2024-08-01',
        daysLeft: 47,
        reason: expect.stringMatching(
          /Net cash in 2024-08 is expected at -\d+\.\d\d .* below the threshold of -1000000\.00/,
        ),
        commitmentId: null,
        currency,
        month: '2024-08',
      },
    ]);
    const audit = (await call('GET', '/v1/audit')).body.data as unknown as Json[];
    expect(audit.at(-1)).toMatchObject({ resource: 'alert_settings', action: 'update', token: 'operator' });
  });
});
