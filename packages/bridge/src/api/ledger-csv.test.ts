import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../ledger/csv.ts';
import { ALL_TOKEN, createHarness, type Harness, READ_TOKEN } from './testing/harness.ts';

/* CSV export and import of commitments and cost entries, round trips and dry runs. */

const open: Harness[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
async function harness() {
  const h = await createHarness();
  open.push(h);
  return h;
}

// biome-ignore lint/suspicious/noExplicitAny: answers asserted field by field
type Json = Record<string, any>;
async function call(h: Harness, method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': type },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: (res.headers.get('Content-Type')?.includes('json') ? JSON.parse(text) : {}) as Json,
  };
}

/** A CSV without the columns that hold ids (they differ between two stores). */
const withoutIds = (csv: string) => {
  const [header, ...rows] = parseCsv(csv).map((r) => r.fields);
  const keep = header!
    .map((name, i) => (name === 'id' || name.endsWith('_id') ? -1 : i))
    .filter((i) => i >= 0);
  return [header!, ...rows].map((r) => keep.map((i) => r[i]));
};

async function seed(h: Harness) {
  const ids: Record<string, string> = {};
  for (const name of ['Equinix', 'Müller, "Lizenzen" GmbH']) {
    ids[name] = (await call(h, 'POST', '/v1/counterparties', { name })).body.data.id;
  }
  return ids;
}

describe('CSV', () => {
  it('round-trips commitments: export, import into another store, export again: the same, every field', async () => {
    const a = await harness();
    const cps = await seed(a);
    const commitments = [
      {
        counterpartyId: cps.Equinix,
        title: 'Rack, row 4',
        currency: 'EUR',
        amount: '1000.00',
        cadence: 'monthly',
        startDate: '2024-01-31',
        endDate: '2026-01-30',
        autoRenewMonths: 12,
        notice: { value: 3, unit: 'month' },
        indexationPercent: '2.5',
        category: 'datacenter',
        notes: 'line one\nline "two", with comma',
      },
      {
        counterpartyId: cps['Müller, "Lizenzen" GmbH'],
        title: 'Lizenz €',
        currency: 'CHF',
        amount: null,
        cadence: 'custom',
        intervalMonths: 5,
        startDate: '2023-03-01',
        status: 'draft',
      },
      {
        counterpartyId: cps.Equinix,
        title: 'Setup',
        currency: 'USD',
        amount: '99999999999999.99',
        cadence: 'one-off',
        startDate: '2024-06-01',
        notice: { value: 30, unit: 'day' },
        status: 'notice_given',
        endDate: '2024-12-31',
      },
    ];
    for (const c of commitments) expect((await call(a, 'POST', '/v1/commitments', c)).status).toBe(201);
    const exported = await call(a, 'GET', '/v1/commitments/csv');
    expect(exported.status).toBe(200);
    expect(parseCsv(exported.text)[0]!.fields).toEqual([
      'id',
      'counterparty_id',
      'counterparty_name',
      'title',
      'category',
      'currency',
      'amount',
      'cadence',
      'interval_months',
      'start_date',
      'end_date',
      'auto_renew_months',
      'notice_value',
      'notice_unit',
      'indexation_percent',
      'status',
      'notes',
    ]);

    const b = await harness();
    await seed(b);
    // The export names counterparties; in another store they are found by name.
    const csv = exported.text.replace(/cp_[A-Za-z0-9_-]+/g, '');
    const dry = await call(b, 'POST', '/v1/commitments/csv?dryRun=true', csv, 'text/csv');
    expect(dry.body.errors).toEqual([]);
    // Each record's first line (a note spans two lines).
    expect(dry.body.create.map((r: Json) => r.line)).toEqual(
      parseCsv(csv)
        .slice(1)
        .map((r) => r.line),
    );
    expect((await call(b, 'GET', '/v1/commitments')).body.data).toEqual([]);
    const imported = await call(b, 'POST', '/v1/commitments/csv', csv, 'text/csv');
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(3);
    const again = await call(b, 'GET', '/v1/commitments/csv');
    // Records made at the same instant come in id order, and ids differ between the stores.
    const sorted = (csv: string) => {
      const [header, ...rows] = withoutIds(csv);
      return [header, ...rows.map((r) => JSON.stringify(r)).sort()];
    };
    expect(sorted(again.text)).toEqual(sorted(exported.text));
    const strip = ({ id: _, counterpartyId: __, createdAt: ___, updatedAt: ____, ...rest }: Json) => rest;
    const records = async (h: Harness) =>
      (await call(h, 'GET', '/v1/commitments')).body.data.map((r: Json) => JSON.stringify(strip(r))).sort();
    expect(await records(b)).toEqual(await records(a));
  });

  it('round-trips cost entries, references to commitments included', async () => {
    const h = await harness();
    const cps = await seed(h);
    const cm = (
      await call(h, 'POST', '/v1/commitments', {
        counterpartyId: cps.Equinix,
        title: 'Rack',
        currency: 'EUR',
        amount: '10.00',
        cadence: 'monthly',
        startDate: '2024-01-01',
      })
    ).body.data;
    await call(h, 'POST', '/v1/cost-entries', {
      date: '2024-05-31',
      counterpartyId: cps.Equinix,
      commitmentId: cm.id,
      net: '100.00',
      tax: '19.00',
      gross: '119.00',
      currency: 'EUR',
      reference: 'INV, 7',
      paidDate: '2024-06-03',
    });
    await call(h, 'POST', '/v1/cost-entries', {
      date: '2024-06-01',
      net: '-5.00',
      gross: '-5.00',
      currency: 'USD',
      category: 'refund',
    });
    const first = (await call(h, 'GET', '/v1/cost-entries/csv')).text;
    expect((await call(h, 'POST', '/v1/cost-entries/csv', first, 'text/csv')).body.created).toBe(2);
    const rows = parseCsv((await call(h, 'GET', '/v1/cost-entries/csv')).text)
      .slice(1)
      .map((r) => JSON.stringify(r.fields.slice(1)))
      .sort();
    // Each record twice now (the originals and the imported copies), equal but for the id.
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(rows[1]);
    expect(rows[2]).toBe(rows[3]);
    expect(rows[0]).not.toBe(rows[2]);
  });

  it('a dry run lists every row it would create and every error with its line; the import then creates nothing', async () => {
    const h = await harness();
    await seed(h);
    const csv = [
      'title,counterparty_name,currency,amount,cadence,start_date,notes',
      'Good one,Equinix,EUR,10.00,monthly,2024-01-01,',
      'Bad amount,Equinix,EUR,ten,monthly,2024-01-01,',
      'Who,Nobody Ltd,EUR,10.00,monthly,2024-01-01,"two',
      'lines"',
      ',Equinix,EUR,10.00,weekly,2024-01-01,',
      'Good two,Equinix,EUR,10.00,custom,2024-01-01,',
      'Short row,Equinix',
    ].join('\n');
    const dry = await call(h, 'POST', '/v1/commitments/csv?dryRun=true', csv, 'text/csv');
    expect(dry.status).toBe(200);
    expect(dry.body.create.map((r: Json) => [r.line, r.data.title])).toEqual([[2, 'Good one']]);
    expect(dry.body.errors.map((e: Json) => [e.line, e.column])).toEqual([
      [3, 'amount'],
      [4, 'counterparty_name'],
      [6, 'title'],
      [6, 'cadence'],
      [7, 'interval_months'],
      [8, null],
    ]);
    expect(dry.body.errors[1].message).toBe('no live counterparty is named "Nobody Ltd"');
    const real = await call(h, 'POST', '/v1/commitments/csv', csv, 'text/csv');
    expect(real.status).toBe(400);
    expect(real.body.error.details).toHaveLength(6);
    expect(real.body.error.details[0].param).toBe('line 3, amount');
    expect((await call(h, 'GET', '/v1/commitments')).body.data).toEqual([]);

    const unknown = await call(
      h,
      'POST',
      '/v1/commitments/csv?dryRun=true',
      'title,colour\nx,red\n',
      'text/csv',
    );
    expect(unknown.body.errors).toEqual([
      {
        line: 1,
        column: 'colour',
        message: expect.stringMatching(/^unknown column "colour"; the columns are id, counterparty_id/),
      },
    ]);
    expect((await call(h, 'POST', '/v1/commitments/csv', '{}')).status).toBe(415);
    const reader = await h.app.request('/v1/commitments/csv', {
      method: 'POST',
      headers: { Authorization: `Bearer ${READ_TOKEN}`, 'Content-Type': 'text/csv' },
      body: 'title\n',
    });
    expect(reader.status).toBe(403);
  });
});
