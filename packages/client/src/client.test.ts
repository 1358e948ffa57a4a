import { describe, expect, it } from 'vitest';
import { createWhmcsClient } from './client.ts';
import { normalizeInvoice } from './normalize.ts';
import { phpJson, SECRET, TEST_URL, useMsw } from './testing/msw.ts';

const { seen, answer } = useMsw();
const client = () =>
  createWhmcsClient({ url: TEST_URL, credentials: { identifier: 'IDENT', secret: SECRET }, retry: false });

const row = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  userid: 3,
  firstname: 'Zoë',
  lastname: 'Müller',
  companyname: 'Smith &amp; Sons',
  invoicenum: '',
  date: '2024-05-01',
  duedate: '2024-05-15',
  datepaid: '0000-00-00 00:00:00',
  subtotal: '10.00',
  total: '11.90',
  status: 'Unpaid',
  ...extra,
});

describe('tolerates every shape of section 4', () => {
  const empties: Array<[string, unknown]> = [
    ['[]', []],
    ['""', ''],
    ['{}', {}],
    ['null', null],
  ];
  for (const [label, invoices] of empties) {
    it(`zero rows as invoices: ${label}`, async () => {
      answer(() => phpJson({ result: 'success', totalresults: 0, startnumber: 0, numreturned: 0, invoices }));
      expect((await client().getInvoices()).invoices).toEqual([]);
    });
  }

  it('zero rows with the invoices key missing', async () => {
    answer(() => phpJson({ result: 'success', totalresults: 0 }));
    const page = await client().getInvoices({ limitStart: 40 });
    expect(page).toEqual({ totalResults: 0, startNumber: 40, invoices: [] });
  });

  it('a single invoice as an object instead of a list', async () => {
    answer(() => phpJson({ result: 'success', totalresults: 1, invoices: { invoice: row(5) } }));
    expect((await client().getInvoices()).invoices.map((r) => r.id)).toEqual([5]);
  });

  it('every value a string (WHMCS 5), envelope included', async () => {
    answer(() =>
      phpJson({
        result: 'success',
        totalresults: '2',
        startnumber: '0',
        numreturned: '2',
        invoices: { invoice: [row(1, { id: '1', userid: '3' }), row(2, { id: '2', userid: '3' })] },
      }),
    );
    const page = await client().getInvoices();
    expect(page.totalResults).toBe(2);
    expect(normalizeInvoice(page.invoices[1]!, { source: 'x', timeZone: 'UTC' }).id).toBe(2);
  });

  it('numreturned reporting the total (some 7.x builds) does not matter: rows are counted', async () => {
    answer((params) => {
      const start = Number(params.get('limitstart'));
      const rows = [row(1), row(2), row(3)].slice(start, start + Number(params.get('limitnum')));
      return phpJson({ result: 'success', totalresults: 3, numreturned: 3, invoices: { invoice: rows } });
    });
    const ids: number[] = [];
    for await (const invoice of client().invoices({ pageSize: 2 })) ids.push(Number(invoice.id));
    expect(ids).toEqual([1, 2, 3]);
  });

  it("PHP's JSON escapes, entities and unknown fields, kept raw and decoded on normalizing", async () => {
    answer(() =>
      phpJson({
        result: 'success',
        totalresults: 1,
        invoices: {
          invoice: [row(9, { notes: '<b>"Net 30"</b> & O\'Neil', brand_new_field: { nested: true } })],
        },
      }),
    );
    const [raw] = (await client().getInvoices()).invoices;
    expect(raw?.brand_new_field).toEqual({ nested: true });
    expect(raw?.companyname).toBe('Smith &amp; Sons');
    const invoice = normalizeInvoice(raw!, { source: 'x', timeZone: 'UTC' });
    expect(invoice.notes).toBe('<b>"Net 30"</b> & O\'Neil');
    expect(invoice.clientName).toBe('Smith & Sons');
    expect(invoice.firstName).toBe('Zoë');
  });

  it("keeps WHMCS's field order, unknown fields included, in the raw rows", async () => {
    const { currencycode, currencyprefix, currencysuffix, ...head } = {
      ...row(3),
      currencycode: 'EUR',
      currencyprefix: '€',
      currencysuffix: ' EUR',
    };
    const sent = { ...head, a_newer_column: 'x', currencycode, currencyprefix, currencysuffix };
    answer(() => phpJson({ result: 'success', totalresults: 1, invoices: { invoice: [sent] } }));
    const [raw] = (await client().getInvoices()).invoices;
    expect(Object.keys(raw!)).toEqual(Object.keys(sent));
    expect(JSON.stringify(raw)).toBe(JSON.stringify(sent));
  });

  it('null dates and a null paymethodid', async () => {
    answer(() =>
      phpJson({
        result: 'success',
        totalresults: 1,
        invoices: { invoice: [row(4, { date: null, duedate: null, paymethodid: null })] },
      }),
    );
    const [raw] = (await client().getInvoices()).invoices;
    expect(normalizeInvoice(raw!, { source: 'x', timeZone: 'UTC' })).toMatchObject({
      issueDate: null,
      dueDate: null,
      payMethodId: null,
    });
  });

  it('PHP notices printed before the JSON body', async () => {
    answer(
      () =>
        new Response(
          `<br />\n<b>Deprecated</b>: Function x() is deprecated in <b>/var/www/includes/a.php</b> on line <b>3</b><br />\n${JSON.stringify({ result: 'success', totalresults: 1, invoices: { invoice: [row(1)] } })}`,
        ),
    );
    expect((await client().getInvoices()).invoices).toHaveLength(1);
  });

  it('an invoice missing its id is an invalid_response naming the field', async () => {
    const { id: _, ...noId } = row(1);
    answer(() => phpJson({ result: 'success', totalresults: 1, invoices: { invoice: [noId] } }));
    await expect(client().getInvoices()).rejects.toMatchObject({
      code: 'invalid_response',
      path: 'invoices.invoice.0.id',
    });
  });
});

describe('invoices()', () => {
  it('pages by id with the filter, and only ever calls GetInvoices', async () => {
    answer((params) => {
      const start = Number(params.get('limitstart'));
      const all = [row(1), row(2), row(3), row(4), row(5)];
      return phpJson({
        result: 'success',
        totalresults: 5,
        invoices: { invoice: all.slice(start, start + Number(params.get('limitnum'))) },
      });
    });
    const ids: number[] = [];
    for await (const invoice of client().invoices({ pageSize: 2, status: 'Unpaid', userId: 3 }))
      ids.push(Number(invoice.id));
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    for (const call of seen) {
      expect(call.params.get('action')).toBe('GetInvoices');
      expect(call.params.get('orderby')).toBe('id');
      expect(call.params.get('order')).toBe('asc');
      expect(call.params.get('status')).toBe('Unpaid');
      expect(call.params.get('userid')).toBe('3');
    }
  });

  it('rejects a bad page size or concurrency before calling', () => {
    expect(() => client().invoicePages({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => client().invoicePages({ concurrency: 99 })).toThrow(/concurrency/);
    expect(seen).toHaveLength(0);
  });
});
