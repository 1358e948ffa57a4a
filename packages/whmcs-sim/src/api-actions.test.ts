import { describe, expect, it } from 'vitest';
import { createWhmcsSimulator } from './simulator.ts';
import { AUTH, call } from './testing/api-call.ts';
import getInvoiceSample from './testing/samples/getinvoice.docs-example.json' with { type: 'json' };
import getInvoicesSample from './testing/samples/getinvoices.docs-example.json' with { type: 'json' };
import type { SimInvoice, SimulatorOptions, WhmcsSimulator } from './types.ts';

const NOW = new Date('2025-06-15T12:00:00Z');
const FIELDS = [
  'id',
  'userid',
  'firstname',
  'lastname',
  'companyname',
  'invoicenum',
  'date',
  'duedate',
  'datepaid',
  'last_capture_attempt',
  'date_refunded',
  'date_cancelled',
  'subtotal',
  'credit',
  'tax',
  'tax2',
  'total',
  'taxrate',
  'taxrate2',
  'status',
  'paymentmethod',
  'paymethodid',
  'notes',
  'created_at',
  'updated_at',
  'currencycode',
  'currencyprefix',
  'currencysuffix',
];

type Row = Record<string, unknown> & { id: number };
interface Envelope {
  result: string;
  totalresults: number;
  startnumber: number;
  numreturned: number;
  invoices: { invoice: Row[] } | [];
}

function simulator(extra: SimulatorOptions = {}): WhmcsSimulator {
  return createWhmcsSimulator({ now: () => NOW, ...extra });
}

async function getInvoices(sim: WhmcsSimulator, params: Record<string, string> = {}): Promise<Envelope> {
  const res = await call(sim, { ...AUTH, action: 'GetInvoices', responsetype: 'json', ...params });
  expect(res.status).toBe(200);
  return res.json() as unknown as Envelope;
}

function rows(envelope: Envelope): Row[] {
  return Array.isArray(envelope.invoices) ? [] : envelope.invoices.invoice;
}

const cents = (money: string) => Math.round(Number(money) * 100);

function visible(sim: WhmcsSimulator): SimInvoice[] {
  return [...sim.visibleInvoices()];
}

describe('GetInvoices envelope and paging', () => {
  it('defaults to limitstart 0 and limitnum 25', async () => {
    const page = await getInvoices(simulator());
    expect(page).toMatchObject({ result: 'success', totalresults: 500, startnumber: 0, numreturned: 25 });
    expect(rows(page)).toHaveLength(25);
    expect(Object.keys(page)).toEqual(['result', 'totalresults', 'startnumber', 'numreturned', 'invoices']);
  });

  it('has no cap on limitnum', async () => {
    const page = await getInvoices(simulator(), { limitnum: '100000' });
    expect(page.numreturned).toBe(500);
  });

  it('pages by id with limitstart, without repeats or gaps', async () => {
    const sim = simulator();
    const seen: number[] = [];
    for (let start = 0; ; start += 70) {
      const page = await getInvoices(sim, { orderby: 'id', limitstart: String(start), limitnum: '70' });
      expect(page.startnumber).toBe(start);
      if (page.numreturned === 0) break;
      seen.push(...rows(page).map((r) => r.id));
    }
    expect(seen).toEqual(visible(sim).map((i) => i.id));
  });

  it('answers `invoices: []` for zero rows (past the end, unknown userid, unknown status)', async () => {
    const sim = simulator();
    const past = await call(sim, { ...AUTH, action: 'GetInvoices', responsetype: 'json', limitstart: '600' });
    expect(past.text).toBe(
      '{"result":"success","totalresults":500,"startnumber":600,"numreturned":0,"invoices":[]}',
    );
    expect(await getInvoices(sim, { userid: '999' })).toEqual({
      result: 'success',
      totalresults: 0,
      startnumber: 0,
      numreturned: 0,
      invoices: [],
    });
    expect((await getInvoices(sim, { status: 'Bogus' })).totalresults).toBe(0);
  });

  it('counts orphans in totalresults but never returns them', async () => {
    const sim = simulator({ invoices: 200, orphans: 7 });
    const page = await getInvoices(sim, { orderby: 'id', limitnum: '1000' });
    expect(page.totalresults).toBe(200);
    expect(page.numreturned).toBe(193);
    const clientIds = new Set(sim.clients.keys());
    expect(rows(page).every((r) => clientIds.has(r.userid as number))).toBe(true);
    expect([...sim.invoices()].length - visible(sim).length).toBe(7);
  });

  it('counts orphans of a userid filter too', async () => {
    const sim = simulator({ invoices: 100, orphans: 6, clients: 10 });
    const orphanUser = [...sim.invoices()].find((i) => !sim.clients.has(i.userid))!.userid;
    const page = await getInvoices(sim, { userid: String(orphanUser) });
    expect(page.totalresults).toBe(2);
    expect(page.invoices).toEqual([]);
  });
});

describe('GetInvoices filters', () => {
  it('filters by userid', async () => {
    const sim = simulator();
    const page = await getInvoices(sim, { userid: '3', limitnum: '1000' });
    const expected = visible(sim).filter((i) => i.userid === 3);
    expect(expected.length).toBeGreaterThan(0);
    expect(page.totalresults).toBe(expected.length);
    expect(
      rows(page)
        .map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual(expected.map((i) => i.id));
  });

  it('matches every status case-insensitively', async () => {
    const sim = simulator();
    for (const status of [
      'Draft',
      'Unpaid',
      'Paid',
      'Cancelled',
      'Refunded',
      'Collections',
      'Payment Pending',
    ]) {
      const expected = visible(sim).filter((i) => i.status === status).length;
      expect(expected, status).toBeGreaterThan(0);
      for (const asked of [status, status.toLowerCase(), status.toUpperCase()]) {
        const page = await getInvoices(sim, { status: asked, limitnum: '1000' });
        expect(page.totalresults, asked).toBe(expected);
        expect(rows(page).every((r) => r.status === status)).toBe(true);
      }
    }
  });

  it('Overdue is Unpaid with a due date before today, and only in that exact case', async () => {
    const sim = simulator();
    const today = '2025-06-15';
    const expected = visible(sim).filter(
      (i) => i.status === 'Unpaid' && i.duedate !== null && i.duedate < today,
    );
    const notYetDue = visible(sim).filter(
      (i) => i.status === 'Unpaid' && i.duedate !== null && i.duedate >= today,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(notYetDue.length).toBeGreaterThan(0);
    const page = await getInvoices(sim, { status: 'Overdue', limitnum: '1000', orderby: 'id' });
    expect(rows(page).map((r) => r.id)).toEqual(expected.map((i) => i.id));
    for (const asked of ['overdue', 'OVERDUE']) {
      expect((await getInvoices(sim, { status: asked })).totalresults).toBe(0);
    }
  });

  it('Overdue uses today in the WHMCS time zone', async () => {
    // 02:00 UTC on June 1st is still May 31st in New York.
    const now = () => new Date('2025-06-01T02:00:00Z');
    for (const [timeZone, overdue] of [
      ['UTC', true],
      ['America/New_York', false],
    ] as const) {
      const sim = createWhmcsSimulator({ invoices: 10, timeZone, now });
      const added = sim.addInvoice({ status: 'Unpaid', duedate: '2025-05-31' });
      const page = await getInvoices(sim, { status: 'Overdue', limitnum: '100' });
      expect(
        rows(page).some((r) => r.id === added.id),
        timeZone,
      ).toBe(overdue);
    }
  });
});

describe('GetInvoices order', () => {
  const mysqlDay = (d: string | null) => (d === null ? '' : d);
  const columns: Record<string, (i: SimInvoice) => string | number> = {
    invoicenumber: (i) => i.invoicenum,
    date: (i) => mysqlDay(i.date),
    duedate: (i) => mysqlDay(i.duedate),
    total: (i) => Number(i.total),
    status: (i) => i.status.toLowerCase(),
  };

  for (const [column, key] of Object.entries(columns)) {
    for (const order of ['asc', 'desc'] as const) {
      it(`orderby=${column} order=${order}, ties by id ascending`, async () => {
        const sim = simulator();
        const sign = order === 'asc' ? 1 : -1;
        const expected = visible(sim)
          .sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            return ka === kb ? a.id - b.id : (ka < kb ? -1 : 1) * sign;
          })
          .map((i) => i.id);
        const page = await getInvoices(sim, { orderby: column, order, limitnum: '1000' });
        expect(rows(page).map((r) => r.id)).toEqual(expected);
        const second = await getInvoices(sim, { orderby: column, order, limitstart: '100', limitnum: '50' });
        expect(rows(second).map((r) => r.id)).toEqual(expected.slice(100, 150));
      });
    }
  }

  it('orders by total exactly whatever the spread of amounts (each sort strategy)', async () => {
    for (const big of ['99999.99', '21000000.00']) {
      const sim = simulator();
      sim.updateInvoice(3, { total: big });
      sim.updateInvoice(4, { total: '0.00' });
      for (const order of ['asc', 'desc'] as const) {
        const sign = order === 'asc' ? 1 : -1;
        const expected = visible(sim)
          .sort((a, b) => (cents(a.total) - cents(b.total)) * sign || a.id - b.id)
          .map((i) => i.id);
        const page = await getInvoices(sim, { orderby: 'total', order, limitnum: '1000' });
        expect(rows(page).map((r) => r.id)).toEqual(expected);
      }
    }
  });

  it('orderby=id order=desc starts at the newest invoice', async () => {
    const page = await getInvoices(simulator(), { orderby: 'ID', order: 'DESC', limitnum: '3' });
    expect(rows(page).map((r) => r.id)).toEqual([500, 499, 498]);
  });

  it('defaults to status DESC, duedate ASC', async () => {
    const sim = simulator();
    const page = rows(await getInvoices(sim, { limitnum: '1000' }));
    expect(page).toHaveLength(500);
    for (let i = 1; i < page.length; i++) {
      const a = page[i - 1]!;
      const b = page[i]!;
      const sa = String(a.status).toLowerCase();
      const sb = String(b.status).toLowerCase();
      expect(sa >= sb).toBe(true);
      if (sa === sb)
        expect(mysqlDay(a.duedate as string | null) <= mysqlDay(b.duedate as string | null)).toBe(true);
    }
  });

  it('the default order is not unique: naive offset paging repeats and skips rows', async () => {
    const sim = simulator();
    const seen: number[] = [];
    for (let start = 0; start < 500; start += 20) {
      seen.push(
        ...rows(await getInvoices(sim, { limitstart: String(start), limitnum: '20' })).map((r) => r.id),
      );
    }
    expect(seen).toHaveLength(500);
    const unique = new Set(seen);
    expect(unique.size).toBeLessThan(500);
    const skipped = visible(sim).filter((i) => !unique.has(i.id));
    expect(skipped.length).toBeGreaterThan(0);
  });

  it('repeats the same default-order page for the same query, and may reorder ties after a change', async () => {
    const sim = simulator();
    const first = rows(await getInvoices(sim, { limitnum: '500' })).map((r) => r.id);
    expect(rows(await getInvoices(sim, { limitnum: '500' })).map((r) => r.id)).toEqual(first);
    sim.updateInvoice(1, { notes: 'touched' });
    const after = rows(await getInvoices(sim, { limitnum: '500' })).map((r) => r.id);
    expect(after).not.toEqual(first);
    expect([...after].sort((a, b) => a - b)).toEqual([...first].sort((a, b) => a - b));
  });

  it('keeps the default order for an unknown orderby', async () => {
    const sim = simulator();
    const plain = await getInvoices(sim, { limitnum: '30' });
    expect(await getInvoices(sim, { limitnum: '30', orderby: 'nonsense' })).toEqual(plain);
  });
});

describe('GetInvoices rows (WHMCS 8 profile)', () => {
  it('lists the fields in WHMCS order with the documented types', async () => {
    const sim = simulator();
    for (const row of rows(await getInvoices(sim, { limitnum: '1000' }))) {
      expect(Object.keys(row)).toEqual(FIELDS);
      expect(typeof row.id).toBe('number');
      expect(typeof row.userid).toBe('number');
      for (const money of ['subtotal', 'credit', 'tax', 'tax2', 'total'])
        expect(row[money]).toMatch(/^-?\d+\.\d{2}$/);
      for (const rate of ['taxrate', 'taxrate2']) expect(row[rate]).toMatch(/^\d+\.\d{3}$/);
      for (const day of ['date', 'duedate'])
        if (row[day] !== null) expect(row[day]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const time of [
        'datepaid',
        'last_capture_attempt',
        'date_refunded',
        'date_cancelled',
        'created_at',
        'updated_at',
      ]) {
        expect(row[time]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
      expect(row.paymethodid === null || typeof row.paymethodid === 'number').toBe(true);
    }
  });

  it('matches the official example field for field (names, order, JSON types)', async () => {
    const sample = getInvoicesSample.invoices.invoice[0]!;
    const page = rows(await getInvoices(simulator(), { limitnum: '1000', orderby: 'id' }));
    const row = page.find((r) => r.paymethodid === null && r.date !== null && r.duedate !== null)!;
    expect(Object.keys(row)).toEqual(Object.keys(sample));
    for (const [key, value] of Object.entries(sample)) expect(typeof row[key], key).toBe(typeof value);
  });

  it('is what sim.toWire gives for the stored row', async () => {
    const sim = simulator();
    const page = rows(await getInvoices(sim, { orderby: 'id', limitnum: '5' }));
    expect(page).toEqual(page.map((r) => sim.toWire(sim.invoice(r.id)!)));
  });

  it('writes entity-encoded text, non-ASCII and the currency as exact PHP JSON bytes', async () => {
    const sim = simulator();
    const text = async (userid: number) =>
      (
        await call(sim, {
          ...AUTH,
          action: 'GetInvoices',
          responsetype: 'json',
          userid: String(userid),
          limitnum: '1',
        })
      ).text;
    const smith = await text(1);
    expect(smith).toContain('"firstname":"John","lastname":"Smith","companyname":"Smith \\u0026amp; Sons"');
    expect(smith).toContain('"currencycode":"USD","currencyprefix":"$","currencysuffix":" USD"}');
    const oneil = await text(2);
    expect(oneil).toContain('"firstname":"Siobh\\u00e1n","lastname":"O\\u0026#039;Neil"');
    expect(oneil).toContain('"currencycode":"EUR","currencyprefix":"\\u20ac","currencysuffix":" EUR"}');
    expect(await text(3)).toContain('"currencycode":"GBP","currencyprefix":"\\u00a3"');
    expect(await text(4)).toContain(
      '"firstname":"\\u592a\\u90ce","lastname":"\\u5c71\\u7530","companyname":"\\u65e5\\u672c\\u30db\\u30b9\\u30c6\\u30a3\\u30f3\\u30b0\\u682a\\u5f0f\\u4f1a\\u793e"',
    );
    expect(await text(5)).toContain('"companyname":"Rocket \\ud83d\\ude80 Labs"');
    expect(await text(6)).toContain(
      '"companyname":"\\u0026quot;Ace\\u0026quot; \\u0026lt;Web\\u0026gt; Hosting"',
    );
    expect(smith).not.toContain('\n');
  });
});

describe('version profiles', () => {
  it('WHMCS 5 answers every value as a string, envelope included', async () => {
    const sim = simulator({ version: 5 });
    const res = await call(sim, { ...AUTH, action: 'GetInvoices', responsetype: 'json', limitnum: '1000' });
    const page = res.json() as unknown as Envelope;
    expect(page).toMatchObject({ totalresults: '500', startnumber: '0', numreturned: '500' });
    for (const row of rows(page)) {
      for (const [key, value] of Object.entries(row)) expect(typeof value, key).toBe('string');
    }
    expect(res.text).toContain('"id":"1",');
  });

  it('WHMCS 7 reports numreturned as the total', async () => {
    const page = await getInvoices(simulator({ version: 7 }), { limitnum: '10' });
    expect(page.totalresults).toBe(500);
    expect(page.numreturned).toBe(500);
    expect(rows(page)).toHaveLength(10);
    expect(typeof rows(page)[0]!.id).toBe('number');
  });
});

describe('GetInvoices formats', () => {
  it('answers XML without responsetype', async () => {
    const sim = simulator();
    const res = await call(sim, {
      ...AUTH,
      action: 'GetInvoices',
      limitnum: '2',
      orderby: 'id',
      userid: '1',
    });
    expect(res.contentType).toBe('text/xml; charset=utf-8');
    expect(res.text).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><whmcsapi version="8\.12\.1"><action>getinvoices<\/action><result>success<\/result><totalresults>\d+<\/totalresults><startnumber>0<\/startnumber><numreturned>2<\/numreturned><invoices><invoice><id>\d+<\/id><userid>1<\/userid><firstname>John<\/firstname><lastname>Smith<\/lastname><companyname>Smith &amp;amp; Sons<\/companyname>/,
    );
    expect(res.text.match(/<invoice>/g)).toHaveLength(2);
    expect(res.text.endsWith('</invoice></invoices></whmcsapi>')).toBe(true);
  });

  it('answers an empty XML list for zero rows', async () => {
    const res = await call(simulator(), {
      ...AUTH,
      action: 'GetInvoices',
      userid: '999',
      responsetype: 'xml',
    });
    expect(res.text).toContain('<numreturned>0</numreturned><invoices></invoices></whmcsapi>');
  });

  it('answers NVP when asked', async () => {
    const res = await call(simulator(), { ...AUTH, action: 'GetInvoices', responsetype: 'nvp' });
    expect(res.text).toBe('result=success;totalresults=500;startnumber=0;numreturned=25;invoices=Array');
  });
});

describe('GetInvoice', () => {
  const KEYS = Object.keys(getInvoiceSample);

  async function getInvoice(sim: WhmcsSimulator, id: number | string) {
    return call(sim, { ...AUTH, action: 'GetInvoice', invoiceid: String(id), responsetype: 'json' });
  }

  it('has the documented shape, field for field like the official example', async () => {
    const sim = simulator();
    const withItems = visible(sim).find((i) => i.status === 'Paid' && Number(i.subtotal) > 0)!;
    const body = (await getInvoice(sim, withItems.id)).json();
    expect(Object.keys(body)).toEqual(KEYS);
    for (const [key, value] of Object.entries(getInvoiceSample)) {
      if (key === 'transactions') continue;
      expect(typeof body[key], key).toBe(typeof value);
    }
    const item = (body.items as { item: Record<string, unknown>[] }).item[0]!;
    expect(Object.keys(item)).toEqual(Object.keys(getInvoiceSample.items.item[0]!));
    expect(body).toMatchObject({
      result: 'success',
      invoiceid: withItems.id,
      userid: withItems.userid,
      total: withItems.total,
      balance: expect.stringMatching(/^-?\d+\.\d{2}$/),
      lastcaptureattempt: withItems.last_capture_attempt,
      ccgateway: false,
    });
  });

  it('has items summing to the subtotal, and "" transactions and a full balance when unpaid', async () => {
    const sim = simulator();
    const unpaid = visible(sim).find((i) => i.status === 'Unpaid')!;
    const body = (await getInvoice(sim, unpaid.id)).json();
    const items = (body.items as { item: Array<{ amount: string }> }).item;
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.length).toBeLessThanOrEqual(3);
    const cents = items.reduce((sum, i) => sum + Math.round(Number(i.amount) * 100), 0);
    expect(cents).toBe(Math.round(Number(unpaid.subtotal) * 100));
    expect(body.transactions).toBe('');
    expect(body.balance).toBe(unpaid.total);
  });

  it('leaves items out when the invoice has none', async () => {
    const sim = simulator();
    const added = sim.addInvoice({ subtotal: '0.00', status: 'Draft' });
    const body = (await getInvoice(sim, added.id)).json();
    expect('items' in body).toBe(false);
    expect(body.transactions).toBe('');
  });

  it('lists payments and refunds, and a balance that may be negative', async () => {
    const sim = createWhmcsSimulator({ invoices: 3000, now: () => NOW });
    const balances = new Map<string, string[]>();
    // Every refunded invoice and the first 600 paid ones: one GetInvoice each (all ~2,000 paid
    // ones took about 10 s on a loaded machine and timed the test out).
    const priced = visible(sim).filter((i) => i.total !== '0.00');
    const sample = [
      ...priced.filter((i) => i.status === 'Paid').slice(0, 600),
      ...priced.filter((i) => i.status === 'Refunded'),
    ];
    for (const invoice of sample) {
      const body = (await getInvoice(sim, invoice.id)).json();
      const transactions = (body.transactions as { transaction: Array<Record<string, unknown>> }).transaction;
      expect(transactions).toHaveLength(invoice.status === 'Refunded' ? 2 : 1);
      const list = balances.get(invoice.status) ?? [];
      list.push(body.balance as string);
      balances.set(invoice.status, list);
      if (invoice.status === 'Refunded') expect(body.balance).toBe(invoice.total);
    }
    expect(balances.get('Paid')!.some((b) => b.startsWith('-'))).toBe(true);
    expect(balances.get('Paid')!.filter((b) => b === '0.00').length).toBeGreaterThan(100);
    expect(balances.get('Refunded')!.length).toBeGreaterThan(10);
  });

  it('answers an unknown id with HTTP 200 and a `status` error', async () => {
    const sim = simulator();
    for (const id of ['99999', '', 'abc']) {
      const res = await getInvoice(sim, id);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"status":"error","message":"Invoice ID Not Found"}');
    }
    const xml = await call(sim, { ...AUTH, action: 'GetInvoice', invoiceid: '99999' });
    expect(xml.text).toBe(
      '<?xml version="1.0" encoding="utf-8"?><whmcsapi version="8.12.1"><action>getinvoice</action><status>error</status><message>Invoice ID Not Found</message></whmcsapi>',
    );
  });

  it('answers strings only on WHMCS 5', async () => {
    const sim = simulator({ version: 5 });
    const paid = visible(sim).find((i) => i.status === 'Paid' && i.total !== '0.00')!;
    const body = (await getInvoice(sim, paid.id)).json();
    expect(body.invoiceid).toBe(String(paid.id));
    expect(body.ccgateway).toBe('');
    const transaction = (body.transactions as { transaction: Array<Record<string, unknown>> })
      .transaction[0]!;
    expect(transaction.invoiceid).toBe(String(paid.id));
  });
});

describe('WhmcsDetails', () => {
  it('reports the profile version', async () => {
    const res = await call(simulator({ version: 7 }), {
      ...AUTH,
      action: 'WhmcsDetails',
      responsetype: 'json',
    });
    expect(res.json()).toEqual({
      result: 'success',
      whmcs: { version: '7.10.3', canonicalversion: '7.10.3-release.1' },
    });
  });
});

describe('latency knobs', () => {
  it('sleeps perCallMs + perRowMs x rows + perSkippedRowMs x limitstart', async () => {
    const slept: number[] = [];
    const sim = simulator({
      latency: { perCallMs: 20, perRowMs: 2, perSkippedRowMs: 0.1 },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    await getInvoices(sim, { limitstart: '400', limitnum: '25', orderby: 'id' });
    // 20 before the answer, then 2 x 25 + 0.1 x 400 = 90 for the rows: 110 ms, none of it waited
    // here, less the simulator's own time on the call (reading, answering, encoding).
    expect(slept).toHaveLength(2);
    expect(slept[0]).toBeLessThanOrEqual(20);
    expect(slept[0]).toBeGreaterThan(15);
    expect(slept[1]).toBeLessThanOrEqual(90);
    expect(slept[1]).toBeGreaterThan(85);
  });

  it("counts its own work toward WHMCS's time: a call takes what the model says, not more", async () => {
    const slept: number[] = [];
    const sim = simulator({
      latency: { perCallMs: 0, perRowMs: 0.001, perSkippedRowMs: 0 },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    // Answering 1,000 rows takes the simulator longer than the model's 1 ms: nothing is slept.
    await getInvoices(sim, { limitnum: '1000' });
    expect(slept.at(-1)).toBe(0);
  });

  it('a slow fault waits its delay through the same clock', async () => {
    const slept: number[] = [];
    const sim = simulator({
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    sim.faults.add({ kind: 'slow', delayMs: 750, times: 1 });
    await getInvoices(sim, { limitnum: '5' });
    expect(slept[0]).toBe(750);
  });
});
