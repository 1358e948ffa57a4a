import { afterEach, describe, expect, it } from 'vitest';
import { ALL_TOKEN, createHarness, type Harness } from './testing/harness.ts';

/* Costs, commitment schedules and the net forecast, over the API (NOW is 2024-06-15). */

let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Json = Record<string, unknown>;
async function call(method: string, path: string, body?: unknown) {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json & { data: Json } };
}

async function seed() {
  const cp = (await call('POST', '/v1/counterparties', { name: 'Equinix' })).body.data;
  const base = { counterpartyId: cp.id, currency: 'EUR', startDate: '2024-01-31' };
  const rent = (
    await call('POST', '/v1/commitments', {
      ...base,
      title: 'Rack',
      category: 'datacenter',
      amount: '1000.00',
      cadence: 'monthly',
      endDate: '2024-09-30',
    })
  ).body.data;
  const licence = (
    await call('POST', '/v1/commitments', {
      ...base,
      title: 'Licence',
      amount: '120.00',
      cadence: 'yearly',
      startDate: '2023-07-01',
      endDate: '2024-06-30',
      autoRenewMonths: 12,
      notice: { value: 1, unit: 'month' },
      indexationPercent: '10',
      status: 'notice_given',
    })
  ).body.data;
  const power = (
    await call('POST', '/v1/commitments', { ...base, title: 'Power', amount: null, cadence: 'monthly' })
  ).body.data;
  for (const [date, gross, commitmentId] of [
    ['2024-04-10', '300.00', power.id],
    ['2024-05-10', '310.00', power.id],
    ['2024-05-31', '1000.00', rent.id],
  ] as const) {
    const r = await call('POST', '/v1/cost-entries', {
      date,
      net: gross,
      gross,
      currency: 'EUR',
      counterpartyId: cp.id,
      commitmentId,
      category: 'datacenter',
    });
    expect(r.status).toBe(201);
  }
  return { cp, rent, licence, power };
}

describe('costs and schedules', () => {
  it('GET /v1/costs sums cost entries by month, currency, category and counterparty', async () => {
    h = await createHarness();
    const { cp } = await seed();
    const { body } = await call('GET', '/v1/costs?from=2024-05&to=2024-12');
    expect(body.data).toEqual([
      {
        month: '2024-05',
        currency: 'EUR',
        category: 'datacenter',
        counterpartyId: cp.id,
        counterpartyName: 'Equinix',
        net: '1310.00',
        tax: '0.00',
        gross: '1310.00',
        count: 2,
      },
    ]);
    expect((await call('GET', '/v1/costs?from=2024-13')).status).toBe(400);
  });

  it('GET /v1/commitments/forecast: schedules with end dates, notice and indexation, a labelled run rate, totals', async () => {
    h = await createHarness();
    const { rent, licence, power } = await seed();
    const { status, body } = await call('GET', '/v1/commitments/forecast?months=6');
    expect(status).toBe(200);
    expect(body.from).toBe('2024-06');
    const byId = new Map((body.data as unknown as Json[]).map((d) => [d.commitmentId, d]));
    expect(byId.get(rent.id)).toMatchObject({
      basis: 'schedule',
      ending: true,
      endsOn: '2024-09-30',
      schedule: [
        { month: '2024-06', amount: '1000.00' },
        { month: '2024-07', amount: '1000.00' },
        { month: '2024-08', amount: '1000.00' },
        { month: '2024-09', amount: '1000.00' },
        { month: '2024-10', amount: '0.00' },
        { month: '2024-11', amount: '0.00' },
      ],
    });
    // Notice given: it ends with its running term (30 Jun); its July renewal payment never comes.
    expect(byId.get(licence.id)).toMatchObject({
      ending: true,
      endsOn: '2024-06-30',
      noticeBy: '2024-05-30',
    });
    expect((byId.get(licence.id)!.schedule as Json[]).every((m) => m.amount === '0.00')).toBe(true);
    // Run rate: 610.00 over April to June (3 months) = 203.33 a month, labelled.
    expect(byId.get(power.id)).toMatchObject({ basis: 'run_rate', ending: false });
    expect((byId.get(power.id)!.schedule as Json[])[0]).toEqual({ month: '2024-06', amount: '203.33' });
    expect((body.totals as unknown as Json[]).slice(0, 2)).toEqual([
      { month: '2024-06', currency: 'EUR', amount: '1203.33' },
      { month: '2024-07', currency: 'EUR', amount: '1203.33' },
    ]);
    expect((await call('GET', '/v1/commitments/forecast?months=61')).status).toBe(400);
  });

  it('GET /v1/forecast/net answers costs only and says so, until the revenue forecast is connected', async () => {
    h = await createHarness();
    await seed();
    const { body } = await call('GET', '/v1/forecast/net?months=2');
    expect(body.revenue).toBe('unavailable');
    expect(body.note).toMatch(/Costs only/);
    expect(body.data).toEqual([
      { month: '2024-06', currency: 'EUR', costs: '1203.33', revenue: null, net: null, p10Shortfall: null },
      { month: '2024-07', currency: 'EUR', costs: '1203.33', revenue: null, net: null, p10Shortfall: null },
    ]);
  });
});
