import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

/** What a fake WHMCS answers: a status, a body and headers, or a dropped connection. */
export interface FakeAnswer {
  status?: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

export interface FakeCall {
  params: URLSearchParams;
  /** The raw request body, as it travelled. */
  raw: string;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface LoopbackWhmcs {
  /** The root URL to give the client. */
  url: string;
  calls: FakeCall[];
  close(): Promise<void>;
}

/**
 * A WHMCS stand-in on real loopback HTTP whose every answer a test writes: for faults the
 * simulator does not model (cached pages, ignored parameters, redirects, huge bodies).
 */
export async function loopbackWhmcs(
  respond: (call: FakeCall, n: number) => FakeAnswer | Promise<FakeAnswer>,
): Promise<LoopbackWhmcs> {
  const calls: FakeCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const call: FakeCall = {
      params: new URLSearchParams(raw),
      raw,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
    };
    calls.push(call);
    try {
      const answer = await respond(call, calls.length);
      if (answer.drop) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    } catch (err) {
      res.writeHead(599, { 'content-type': 'text/plain' });
      res.end(`fake WHMCS failed: ${String(err)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterAll(close);
  return { url: `http://127.0.0.1:${port}/`, calls, close };
}

/** A GetInvoices answer for these ids, as WHMCS 8 writes it. */
export function invoicesBody(ids: readonly number[], totalResults: number, start = 0): string {
  return JSON.stringify({
    result: 'success',
    totalresults: totalResults,
    startnumber: start,
    numreturned: ids.length,
    invoices:
      ids.length === 0
        ? []
        : {
            invoice: ids.map((id) => ({
              id,
              userid: 1,
              firstname: 'A',
              lastname: 'B',
              companyname: '',
              invoicenum: '',
              date: '2026-01-01',
              duedate: '2026-01-15',
              datepaid: '0000-00-00 00:00:00',
              subtotal: '10.00',
              credit: '0.00',
              tax: '0.00',
              tax2: '0.00',
              total: '10.00',
              taxrate: '0.000',
              taxrate2: '0.000',
              status: 'Unpaid',
              paymentmethod: 'banktransfer',
              notes: '',
              currencycode: 'USD',
              currencyprefix: '$',
              currencysuffix: ' USD',
            })),
          },
  });
}

/**
 * A list of invoice ids that answers GetInvoices by `orderby=id` like WHMCS does, and that a
 * test can change between calls. `orphans` are counted by totalresults and never returned.
 */
export function invoiceList(count: number, orphans = 0) {
  let ids = Array.from({ length: count }, (_, i) => i + 1);
  return {
    get ids() {
      return ids;
    },
    remove(id: number) {
      ids = ids.filter((x) => x !== id);
    },
    answer(params: URLSearchParams): FakeAnswer {
      const start = Number(params.get('limitstart') ?? 0);
      const limit = Number(params.get('limitnum') ?? 25);
      const sorted = params.get('order') === 'desc' ? [...ids].reverse() : ids;
      return { body: invoicesBody(sorted.slice(start, start + limit), ids.length + orphans, start) };
    },
  };
}
