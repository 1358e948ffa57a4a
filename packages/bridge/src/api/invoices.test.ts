import type { Invoice } from '@forecaster/whmcs-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, type Harness, wireInvoice } from './testing/harness.ts';

interface Page {
  data: Invoice[];
  nextCursor: string | null;
}

const keys = (page: Page) => page.data.map((i) => `${i.source}/${i.id}`);

let h: Harness;

async function page(query: string): Promise<Page> {
  const res = await h.get(`/v1/invoices${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}

/** Every page of a query, following nextCursor. */
async function walk(query: string, between?: (pageNo: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pageNo = 0;
  do {
    const sep = query ? '&' : '?';
    const p: Page = await page(`${query}${cursor ? `${sep}cursor=${cursor}` : ''}`);
    seen.push(...keys(p));
    cursor = p.nextCursor;
    pageNo++;
    if (between && cursor) await between(pageNo);
    expect(pageNo).toBeLessThan(500);
  } while (cursor);
  return seen;
}

async function seedMixed() {
  await h.put('eu', [
    wireInvoice('eu', 1, { userid: '1', date: '2024-01-10', duedate: '2024-01-24' }),
    wireInvoice('eu', 2, {
      userid: '2',
      status: 'Paid',
      date: '2024-02-05',
      duedate: '2024-02-19',
      datepaid: '2024-02-10 10:00:00',
    }),
    wireInvoice('eu', 3, {
      userid: '1',
      status: 'Paid',
      currencycode: 'USD',
      date: '2024-03-01',
      duedate: '2024-03-15',
      datepaid: '2024-03-20 23:30:00',
    }),
    wireInvoice('eu', 4, {
      userid: '3',
      status: 'Draft',
      invoicenum: '',
      date: '2024-04-01',
      duedate: '2024-04-15',
    }),
    wireInvoice('eu', 5, {
      userid: '2',
      status: 'Cancelled',
      date: '2024-05-01',
      duedate: '2024-05-15',
      date_cancelled: '2024-05-20 08:00:00',
    }),
  ]);
  await h.put('us', [
    wireInvoice('us', 1, {
      userid: '10',
      status: 'Payment Pending',
      currencycode: 'USD',
      date: '2024-01-15',
      duedate: '2024-02-01',
    }),
    wireInvoice('us', 2, {
      userid: '1',
      status: 'Collections',
      currencycode: 'USD',
      date: '2024-02-20',
      duedate: '2024-03-05',
    }),
    wireInvoice('us', 3, {
      userid: '11',
      status: 'Refunded',
      currencycode: 'USD',
      date: '2024-03-10',
      duedate: '2024-03-24',
      datepaid: '2024-03-11 12:00:00',
      date_refunded: '2024-03-25 12:00:00',
    }),
    wireInvoice('us', 4, {
      userid: '10',
      status: 'Paid',
      date: '2024-06-01',
      duedate: '2024-06-15',
      datepaid: '2024-06-02 09:00:00',
    }),
  ]);
}

beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('GET /v1/invoices filters', () => {
  beforeEach(seedMixed);

  const ALL = ['eu/1', 'eu/2', 'eu/3', 'eu/4', 'eu/5', 'us/1', 'us/2', 'us/3', 'us/4'];

  it('lists every live invoice in (source, id) order without a filter, with no raw record', async () => {
    const p = await page('');
    expect(keys(p)).toEqual(ALL);
    expect(p.nextCursor).toBeNull();
    expect(p.data[1]).toMatchObject({
      source: 'eu',
      id: 2,
      status: 'paid',
      total: '100.00',
      currency: 'EUR',
    });
    expect(p.data[1]).not.toHaveProperty('raw');
    expect(Object.keys(p.data[1]!).sort()).toEqual(Object.keys(p.data[0]!).sort());
  });

  it.each([
    ['?source=us', ['us/1', 'us/2', 'us/3', 'us/4']],
    ['?source=us,eu', ALL],
    ['?source=us&source=eu', ALL],
    ['?status=paid', ['eu/2', 'eu/3', 'us/4']],
    ['?status=unpaid,payment_pending&status=collections', ['eu/1', 'us/1', 'us/2']],
    ['?status=draft', ['eu/4']],
    ['?currency=USD', ['eu/3', 'us/1', 'us/2', 'us/3']],
    ['?currency=EUR,USD', ALL],
    ['?issuedFrom=2024-03-01', ['eu/3', 'eu/4', 'eu/5', 'us/3', 'us/4']],
    ['?issuedTo=2024-01-31', ['eu/1', 'us/1']],
    ['?issuedFrom=2024-02-01&issuedTo=2024-02-29', ['eu/2', 'us/2']],
    ['?dueFrom=2024-03-15', ['eu/3', 'eu/4', 'eu/5', 'us/3', 'us/4']],
    ['?dueTo=2024-02-01', ['eu/1', 'us/1']],
    ['?dueTo=2024-02-19', ['eu/1', 'eu/2', 'us/1']],
    ['?dueFrom=2024-03-05&dueTo=2024-03-15', ['eu/3', 'us/2']],
    ['?paidFrom=2024-03-01', ['eu/3', 'us/3', 'us/4']],
    ['?paidTo=2024-03-11', ['eu/2', 'us/3']],
    ['?paidFrom=2024-03-20&paidTo=2024-03-20', ['eu/3']],
    ['?clientId=1', ['eu/1', 'eu/3', 'us/2']],
    ['?clientId=10', ['us/1', 'us/4']],
    ['?clientId=999', []],
  ])('%s', async (query, expected) => {
    expect(keys(await page(query))).toEqual(expected);
  });

  it.each([
    ['?source=eu&status=paid', ['eu/2', 'eu/3']],
    ['?source=eu&status=paid&currency=EUR', ['eu/2']],
    ['?currency=USD&issuedFrom=2024-02-01&issuedTo=2024-03-31&status=collections,refunded', ['us/2', 'us/3']],
    ['?clientId=1&currency=USD', ['eu/3', 'us/2']],
    ['?clientId=10&paidFrom=2024-06-01&source=us', ['us/4']],
    ['?status=paid&dueFrom=2024-03-01&dueTo=2024-06-30&source=eu,us', ['eu/3', 'us/4']],
    ['?source=eu&status=refunded', []],
  ])('combined %s', async (query, expected) => {
    expect(keys(await page(query))).toEqual(expected);
  });

  it('updatedSince takes a /v1/changes cursor and lists only what changed after it', async () => {
    const feed = await (await h.get('/v1/changes?limit=1000')).json();
    const cursor = feed.nextCursor as string;
    expect(keys(await page(`?updatedSince=${cursor}`))).toEqual([]);

    await h.put('us', [
      wireInvoice('us', 2, {
        userid: '1',
        status: 'Paid',
        currencycode: 'USD',
        datepaid: '2024-07-01 10:00:00',
      }),
    ]);
    await h.put('eu', [wireInvoice('eu', 9)]);
    expect(keys(await page(`?updatedSince=${cursor}`))).toEqual(['eu/9', 'us/2']);
    expect(keys(await page(`?updatedSince=${cursor}&status=paid`))).toEqual(['us/2']);
  });

  it('serves configured sources only, even when the store holds another', async () => {
    await h.put('retired', [wireInvoice('retired', 1)]);
    expect(keys(await page('?limit=1000'))).not.toContain('retired/1');
    expect((await h.get('/v1/invoices?source=retired')).status).toBe(400);
    expect((await h.get('/v1/invoices/retired/1')).status).toBe(404);
    const feed = await (await h.get('/v1/changes?limit=1000')).json();
    expect(feed.data.map((c: { source: string }) => c.source)).not.toContain('retired');
    const revenue = await (await h.get('/v1/revenue?bySource=true')).json();
    expect(revenue.data.map((r: { source: string }) => r.source)).not.toContain('retired');
  });

  it('a cursor stays valid when a source is added to the configuration', async () => {
    const first = await page('?limit=2');
    const grown = await createHarness({
      config: { sources: [...h.config.sources, { ...h.config.sources[0]!, id: 'asia', name: 'Asia' }] },
    });
    try {
      await grown.put('eu', [wireInvoice('eu', 1), wireInvoice('eu', 2), wireInvoice('eu', 3)]);
      await grown.put('asia', [wireInvoice('asia', 1)]);
      const res = await grown.get(`/v1/invoices?limit=2&cursor=${first.nextCursor}`);
      expect(res.status).toBe(200);
      expect(keys(await res.json())).toEqual(['eu/3']);
    } finally {
      await grown.close();
    }
  });

  it('does not list tombstoned invoices', async () => {
    await h.store.removeInvoices('eu', [2]);
    expect(keys(await page('?source=eu'))).toEqual(['eu/1', 'eu/3', 'eu/4', 'eu/5']);
  });
});

describe('GET /v1/invoices pagination', () => {
  it('walks every page without duplicates or misses, for every page size', async () => {
    await seedMixed();
    for (const limit of [1, 2, 3, 4, 8, 9, 10]) {
      expect(await walk(`?limit=${limit}`)).toEqual([
        'eu/1',
        'eu/2',
        'eu/3',
        'eu/4',
        'eu/5',
        'us/1',
        'us/2',
        'us/3',
        'us/4',
      ]);
    }
    expect(await walk('?status=paid&limit=1')).toEqual(['eu/2', 'eu/3', 'us/4']);
  });

  it('the last page says so: nextCursor is null when nothing follows, even on an exact fit', async () => {
    await seedMixed();
    const first = await page('?limit=9');
    expect(first.data).toHaveLength(9);
    expect(first.nextCursor).toBeNull();
    const short = await page('?limit=8');
    expect(short.nextCursor).not.toBeNull();
    const rest = await page(`?limit=8&cursor=${short.nextCursor}`);
    expect(keys(rest)).toEqual(['us/4']);
    expect(rest.nextCursor).toBeNull();
  });

  it('sees every invoice exactly once while a sync inserts and updates rows between pages', async () => {
    await h.put(
      'eu',
      Array.from({ length: 20 }, (_, i) => wireInvoice('eu', (i + 1) * 10)),
    );
    const seen = await walk('?limit=3', async (pageNo) => {
      if (pageNo === 1) {
        // An update to a row already seen, one to a row not yet seen, and inserts ahead and behind.
        await h.put('eu', [
          wireInvoice('eu', 10, { total: '1.00' }),
          wireInvoice('eu', 150, { total: '2.00' }),
          wireInvoice('eu', 5),
          wireInvoice('eu', 155),
        ]);
        await h.put('us', [wireInvoice('us', 1)]);
      }
      if (pageNo === 3)
        await h.put('eu', [wireInvoice('eu', 205), wireInvoice('eu', 90, { status: 'Paid' })]);
    });
    const expected = [...Array.from({ length: 20 }, (_, i) => `eu/${(i + 1) * 10}`), 'eu/155', 'eu/205'].sort(
      (a, b) => Number(a.slice(3)) - Number(b.slice(3)),
    );
    expect(seen).toEqual([...expected, 'us/1']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('defaults to 100 a page and accepts limits 1 and 1000', async () => {
    await h.put(
      'eu',
      Array.from({ length: 105 }, (_, i) => wireInvoice('eu', i + 1)),
    );
    const first = await page('');
    expect(first.data).toHaveLength(100);
    expect(first.nextCursor).not.toBeNull();
    const second = await page(`?cursor=${first.nextCursor}`);
    expect(keys(second)).toEqual(['eu/101', 'eu/102', 'eu/103', 'eu/104', 'eu/105']);
    expect((await page('?limit=1')).data).toHaveLength(1);
    expect((await page('?limit=1000')).data).toHaveLength(105);
  });

  it('refuses a cursor used with other filters', async () => {
    await seedMixed();
    const first = await page('?status=paid,unpaid&limit=1');
    expect(first.nextCursor).not.toBeNull();
    // The same filters in another order and spelling are the same filters.
    const same = await h.get(`/v1/invoices?status=unpaid&status=paid&limit=1&cursor=${first.nextCursor}`);
    expect(same.status).toBe(200);
    // A different page size is not a different filter.
    expect((await h.get(`/v1/invoices?status=paid,unpaid&limit=5&cursor=${first.nextCursor}`)).status).toBe(
      200,
    );

    for (const other of [
      '?status=paid',
      '',
      '?status=paid,unpaid&source=eu',
      '?status=paid,unpaid&clientId=1',
    ]) {
      const sep = other ? '&' : '?';
      const res = await h.get(`/v1/invoices${other}${sep}cursor=${first.nextCursor}`);
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^cursor: was issued for other filters/);
      expect(error.details).toEqual([{ param: 'cursor', message: expect.stringContaining('other filters') }]);
    }
  });

  it.each([
    ['not base64', 'abc$%'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ v: 1, s: 'eu' })).toString('base64url')],
    ['a changes cursor', Buffer.from('chg1.5').toString('base64url')],
    ['too long', 'A'.repeat(600)],
  ])('refuses a malformed cursor (%s) with 400', async (_, cursor) => {
    const res = await h.get(`/v1/invoices?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^cursor: /);
  });
});

describe('GET /v1/invoices validation', () => {
  it.each([
    ['limit=0', 'limit', /1 to 1000/],
    ['limit=1001', 'limit', /1 to 1000/],
    ['limit=-5', 'limit', /1 to 1000/],
    ['limit=1.5', 'limit', /1 to 1000/],
    ['limit=abc', 'limit', /1 to 1000/],
    ['limit=', 'limit', /1 to 1000/],
    ['limit=1&limit=2', 'limit', /given once/],
    ['status=bogus', 'status', /^status: "bogus" is not a status(?!.*\(value)/],
    ['status=paid,bogus', 'status', /"bogus" is not a status.*\(value 2\)$/],
    ['status=Paid', 'status', /"Paid" is not a status/],
    ['status=paid,,', 'status', null],
    ['status=', 'status', /at least one status/],
    ['source=EU!', 'source', /not a source id/],
    ['source=asia', 'source', /no source "asia" is configured/],
    ['currency=%E2%82%AC', 'currency', /not a currency code/],
    ['issuedFrom=2024-13-01', 'issuedFrom', /calendar date/],
    ['issuedTo=2024-02-30', 'issuedTo', /calendar date/],
    ['dueFrom=yesterday', 'dueFrom', /calendar date/],
    ['dueTo=2024-1-1', 'dueTo', /calendar date/],
    ['paidFrom=20240101', 'paidFrom', /calendar date/],
    ['paidTo=2024-01-01T00:00:00Z', 'paidTo', /calendar date/],
    ['issuedFrom=2024-05-01&issuedTo=2024-04-01', 'issuedTo', /must not be before issuedFrom/],
    ['paidFrom=2024-05-01&paidTo=2024-04-01', 'paidTo', /must not be before paidFrom/],
    ['clientId=abc', 'clientId', /client id/],
    ['clientId=-1', 'clientId', /client id/],
    ['updatedSince=xyz', 'updatedSince', /not a changes cursor/],
    ['cursor=%20', 'cursor', /cursor/],
    ['foo=1', 'foo', /not a known parameter/],
    ['statuses=paid', 'statuses', /not a known parameter/],
  ])('?%s → 400 naming %s', async (query, param, message) => {
    const res = await h.get(`/v1/invoices?${query}`);
    if (message === null) {
      // Empty items between commas are ignored, not an error.
      expect(res.status).toBe(200);
      return;
    }
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${param}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
    const details = error.details as Array<{ param: string; message: string }>;
    expect(details.map((d) => d.param)).toContain(param);
  });

  it('lists every problem in details, not just the first', async () => {
    const res = await h.get('/v1/invoices?limit=0&status=nope&dueFrom=x');
    const error = await errorOf(res);
    expect(res.status).toBe(400);
    expect((error.details as Array<{ param: string }>).map((d) => d.param).sort()).toEqual([
      'dueFrom',
      'limit',
      'status',
    ]);
    expect(error.message).toMatch(/and 2 more problems/);
  });
});

describe('GET /v1/invoices/{source}/{id}', () => {
  beforeEach(seedMixed);

  it('answers the invoice with its seq and hash', async () => {
    const res = await h.get('/v1/invoices/eu/3');
    expect(res.status).toBe(200);
    const body = await res.json();
    const stored = await h.store.getInvoice('eu', 3);
    expect(body.data).toEqual(stored!.invoice);
    expect(body.data).toMatchObject({ source: 'eu', id: 3, status: 'paid', currency: 'USD' });
    expect(body.meta).toEqual({ seq: stored!.seq, hash: stored!.hash, deleted: false });
    expect(body.meta.hash).toMatch(/^[a-f0-9]{64}$/);
  });

  it('404 for an unknown invoice or source, saying which of the two is unknown', async () => {
    for (const [path, message] of [
      ['/v1/invoices/eu/999', 'no invoice 999 in source "eu"'],
      ['/v1/invoices/asia/1', 'no source "asia" is configured'],
    ] as const) {
      const res = await h.get(path);
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: 'not_found', message });
    }
  });

  it('404 not_found with details.deletedAt for a deleted invoice', async () => {
    await h.store.removeInvoices('us', [3]);
    const res = await h.get('/v1/invoices/us/3');
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/deleted/);
    const stored = await h.store.getInvoice('us', 3);
    expect(error.details).toEqual({ deletedAt: stored!.deletedAt, seq: stored!.seq });
    expect(stored!.deletedAt).toBe('2024-06-15T12:00:00.000Z');
  });

  it.each([
    ['/v1/invoices/eu/abc', 'id'],
    ['/v1/invoices/eu/0', 'id'],
    ['/v1/invoices/eu/1.5', 'id'],
    ['/v1/invoices/eu/99999999999999999999', 'id'],
    ['/v1/invoices/EU!/1', 'source'],
  ])('%s → 400 naming %s', async (path, param) => {
    const res = await h.get(path);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message.startsWith(`${param}: `)).toBe(true);
  });
});
