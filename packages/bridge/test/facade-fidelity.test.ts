import {
  createWhmcsClient,
  type GetInvoicesParams,
  getInvoicesResponseSchema,
  type InvoiceOrderBy,
  type InvoicesPage,
  type StatusFilter,
  type WhmcsClient,
} from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import type { Bridge } from '../src/bridge.ts';
import { FACADE_ID, FACADE_SECRET, facadeUrl, facadeWith, post, serveBridge } from './facade-harness.ts';
import { bridgeFor, type SimSource, simSource } from './harness.ts';

/*
 * The facade against WHMCS itself (the simulator), over loopback, with the project's own WHMCS
 * client: every filter gives the same bytes both ways. The simulated WHMCS has no orphaned
 * invoices here: WHMCS counts those in totalresults but never serves them, and the bridge never
 * sees them, so with orphans only totalresults would differ (see facade.test.ts).
 *
 * The source's zone is UTC+14 and the clock is fixed at 11:30 UTC: "today" there is already the
 * next day, and one Unpaid invoice is due on the UTC date, so it is Overdue only by the source's
 * own calendar. Both sides run on the same clock.
 */

const NOW = new Date('2025-06-15T11:30:00Z');
const STATUSES: Array<StatusFilter | undefined> = [
  undefined,
  'Draft',
  'Unpaid',
  'Paid',
  'Cancelled',
  'Refunded',
  'Collections',
  'Payment Pending',
  'Overdue',
];
const ORDERS: InvoiceOrderBy[] = ['id', 'invoicenumber', 'date', 'duedate', 'total', 'status'];

interface Side {
  client: WhmcsClient;
  /** The raw body of the last answer. */
  lastBody(): string;
}

function side(url: string, credentials: { identifier: string; secret: string }): Side {
  let last = '';
  const client = createWhmcsClient({
    url,
    credentials,
    retry: false,
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      last = await res.clone().text();
      return res;
    },
  });
  return { client, lastBody: () => last };
}

let eu: SimSource;
let bridge: Bridge;
let whmcs: Side;
let facade: Side;

/** The simulated WHMCS and the synced bridge; the harness tears both down after each test. */
async function setup(): Promise<void> {
  eu = await simSource('eu', {
    seed: 77,
    invoices: 600,
    clients: 45,
    orphans: 0,
    timeZone: 'Pacific/Kiritimati',
    now: () => NOW,
  });
  const sim = eu.served.sim;
  // Due on the UTC date, which is yesterday in Kiritimati: Overdue only by the source's calendar.
  sim.addInvoice({ userid: 3, status: 'Unpaid', duedate: '2025-06-15' });
  // The zero date sorts after NULL and before every date, and is before today (Overdue).
  const unpaid = [...sim.visibleInvoices()].filter((i) => i.status === 'Unpaid');
  sim.updateInvoice(unpaid[0]!.id, { duedate: '0000-00-00' });
  // Invoice numbers are text to MySQL: "INV-9" sorts after "10".
  sim.updateInvoice(unpaid[1]!.id, { invoicenum: 'INV-2025/07' });
  bridge = await bridgeFor([eu], { extra: { facade: facadeWith() }, engine: { clock: () => NOW } });
  expect(await bridge.engine.run('eu', 'full')).toMatchObject({ result: 'ok' });
  const base = await serveBridge(bridge);
  whmcs = side(eu.served.url, { identifier: 'forecaster', secret: eu.secret });
  facade = side(facadeUrl(base, 'eu'), { identifier: FACADE_ID, secret: FACADE_SECRET });
}

async function both(params: GetInvoicesParams): Promise<[InvoicesPage, InvoicesPage, string, string]> {
  const expected = await whmcs.client.getInvoices(params);
  const actual = await facade.client.getInvoices(params);
  return [expected, actual, whmcs.lastBody(), facade.lastBody()];
}

/** The same page both ways: the same bytes, hence the same rows field by field. */
async function expectSamePage(params: GetInvoicesParams): Promise<number> {
  const [expected, actual, expectedBody, actualBody] = await both(params);
  const what = JSON.stringify(params);
  expect(actual.invoices, what).toEqual(expected.invoices);
  expect(actualBody, what).toBe(expectedBody);
  return expected.totalResults;
}

/** Offsets a walk at this page size visits: every page at 25, and ends and middles at 1. */
function offsets(total: number, size: number): number[] {
  if (size >= total) return [0];
  if (size === 1) return [...new Set([0, 1, 2, Math.floor(total / 2), total - 1, total])];
  return Array.from({ length: Math.floor(total / size) + 1 }, (_, i) => i * size);
}

describe('the facade answers GetInvoices as WHMCS does', () => {
  it('sees the data it must: overdue by the source calendar, zero dates, text invoice numbers', async () => {
    await setup();
    const overdue = await whmcs.client.getInvoices({ status: 'Overdue', limitNum: 1000 });
    expect(overdue.invoices.some((i) => i.duedate === '2025-06-15')).toBe(true);
    expect(overdue.invoices.some((i) => i.duedate === '0000-00-00')).toBe(true);
    const all = await whmcs.client.getInvoices({ limitNum: 1000 });
    expect(all.invoices.some((i) => i.date === null)).toBe(true);
    expect(all.invoices.some((i) => i.duedate === null)).toBe(true);
  });

  for (const status of STATUSES) {
    it(`status ${status ?? '(none)'}: every orderby both ways, pages of 1, 25 and 1000`, async () => {
      await setup();
      for (const orderBy of ORDERS) {
        for (const order of ['asc', 'desc'] as const) {
          const total = await expectSamePage({ status, orderBy, order, limitNum: 1000 });
          for (const size of [25, 1]) {
            for (const limitStart of offsets(total, size)) {
              await expectSamePage({ status, orderBy, order, limitNum: size, limitStart });
            }
          }
        }
      }
    });
  }

  it('userid, alone and with a status and an order; an unknown client is zero rows', async () => {
    await setup();
    for (const userId of [1, 3, 17, 99_999]) {
      await expectSamePage({ userId, limitNum: 1000, orderBy: 'id' });
      await expectSamePage({ userId, status: 'Paid', orderBy: 'total', order: 'desc', limitNum: 25 });
      await expectSamePage({ userId, status: 'Overdue', orderBy: 'duedate', limitNum: 1 });
    }
  });

  it('statuses match in any case but Overdue; an unknown status is zero rows', async () => {
    await setup();
    // Off the client's StatusFilter type (it refuses them): sent as they are, with `call`.
    const raw = async (side: typeof whmcs, status: string) => {
      const params = { status, orderby: 'id', limitnum: 1000 };
      const page = await side.client.call('GetInvoices', params, getInvoicesResponseSchema);
      return { page, body: side.lastBody() };
    };
    for (const status of ['paid', 'PAYMENT PENDING', 'overdue', 'Bogus', 'unPaid']) {
      const [expected, actual] = [await raw(whmcs, status), await raw(facade, status)];
      expect(actual.page, status).toEqual(expected.page);
      expect(actual.body, status).toBe(expected.body);
    }
    const { page, body } = await raw(facade, 'Bogus');
    expect(page.totalresults).toBe(0);
    expect(body).toBe('{"result":"success","totalresults":0,"startnumber":0,"numreturned":0,"invoices":[]}');
  });

  it('the default order (status DESC, duedate) gives the same keys in the same order; ties by id', async () => {
    await setup();
    for (const status of [undefined, 'Paid', 'Unpaid'] as const) {
      const key = (page: InvoicesPage) => page.invoices.map((i) => `${i.status}|${i.duedate}`);
      const [expected, actual] = await both({ status, limitNum: 1000 });
      expect(actual.totalResults).toBe(expected.totalResults);
      expect(key(actual)).toEqual(key(expected));
      // The same rows; WHMCS orders ties as MySQL's sort leaves them, the bridge by id.
      const ids = (page: InvoicesPage) => page.invoices.map((i) => Number(i.id));
      expect(new Set(ids(actual))).toEqual(new Set(ids(expected)));
      const groups = new Map<string, number[]>();
      actual.invoices.forEach((i) => {
        const k = `${i.status}|${i.duedate}`;
        groups.set(k, [...(groups.get(k) ?? []), Number(i.id)]);
      });
      for (const group of groups.values()) expect(group).toEqual([...group].sort((a, b) => a - b));
      for (const limitStart of [0, 25, 50]) {
        const [e, a] = await both({ status, limitNum: 25, limitStart });
        expect(key(a)).toEqual(key(e));
      }
    }
  });

  it('defaults as WHMCS: limitnum 25 from 0; junk numbers read as PHP reads them', async () => {
    await setup();
    const [expected, actual] = await both({ orderBy: 'id' });
    expect(actual.invoices.map((i) => i.id)).toEqual(expected.invoices.map((i) => i.id));
    expect(actual.invoices).toHaveLength(25);
    await expectSamePage({ orderBy: 'id', limitStart: 590 });
    const cases: Array<Record<string, string>> = [
      { limitnum: '0', limitstart: '-5' },
      { limitnum: '7abc', limitstart: '3.9' },
      { limitnum: 'x', userid: '-1', orderby: 'ID', order: 'DESC' },
      { orderby: 'nonsense', order: 'desc', limitnum: '1000' },
    ];
    for (const fields of cases) {
      const params = { action: 'GetInvoices', responsetype: 'json', orderby: 'id', ...fields };
      const expected = await post(`${eu.served.url}includes/api.php`, {
        identifier: 'forecaster',
        secret: eu.secret,
        ...params,
      });
      const base = facadeUrlFrom(facade);
      const actual = await post(base, { identifier: FACADE_ID, secret: FACADE_SECRET, ...params });
      if (fields.orderby === 'nonsense') {
        // An unknown column keeps the default order: the same rows, ties aside.
        expect(JSON.parse(actual.body).totalresults).toBe(JSON.parse(expected.body).totalresults);
        continue;
      }
      expect(actual.body, JSON.stringify(fields)).toBe(expected.body);
    }
  });
});

describe('a PHP module replayed', () => {
  it('gets byte for byte what WHMCS answers, username/password carrying the credential', async () => {
    await setup();
    const request = (username: string, password: string) => ({
      username,
      password,
      action: 'GetInvoices',
      status: 'Paid',
      orderby: 'id',
      order: 'desc',
      limitnum: '50',
      limitstart: '100',
      responsetype: 'json',
    });
    const whmcsAnswer = await fetch(`${eu.served.url}includes/api.php`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(request('forecaster', eu.secret)).toString(),
    });
    const bridgeAnswer = await fetch(facadeUrlFrom(facade), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(request(FACADE_ID, FACADE_SECRET)).toString(),
    });
    const expected = new Uint8Array(await whmcsAnswer.arrayBuffer());
    const actual = new Uint8Array(await bridgeAnswer.arrayBuffer());
    expect(bridgeAnswer.status).toBe(whmcsAnswer.status);
    expect(bridgeAnswer.headers.get('content-type')).toBe(whmcsAnswer.headers.get('content-type'));
    expect(Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
    const body = new TextDecoder().decode(actual);
    expect(JSON.parse(body).numreturned).toBe(50);
    // PHP's escaping, not JavaScript's: entity-encoded names and non-ASCII as \uXXXX.
    expect(body).toMatch(/\\u0026/);
    expect(body).toMatch(/\\u00[0-9a-f]{2}/);
  });
});

function facadeUrlFrom(s: Side): string {
  return s.client.endpoint;
}
