import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './reliability-support.ts';

/*
 * A loopback HTTP proxy in front of a simulated WHMCS that edits GetInvoices rows on the way
 * back: what a damaged database, a plugin or a locale setting makes a real WHMCS send
 * (comma decimals, unknown statuses, ISO datetimes, id 0), which the simulator's typed store
 * cannot hold.
 */

export type RowEdit = (row: Record<string, unknown>) => Record<string, unknown>;

/** Serves `target` (a simulator's WHMCS root) with each row whose id is a key edited by its function. */
export async function rewritingProxy(
  target: string,
  edits: Map<number, RowEdit>,
  /** Edits a whole GetInvoices answer (after the row edits), given the request's form. */
  editPage?: (form: URLSearchParams, json: Record<string, unknown>) => Record<string, unknown>,
  /** Edits a request's form before it is sent on (a WHMCS that ignores or rewrites a parameter). */
  editRequest?: (form: URLSearchParams) => void,
): Promise<{ url: string }> {
  const server: Server = createServer(async (req, res) => {
    let chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (editRequest && chunks.length) {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      editRequest(form);
      chunks = [Buffer.from(form.toString())];
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    }
    const upstream = await fetch(new URL(req.url!.replace(/^\//, ''), target), {
      method: req.method!,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    let body = Buffer.from(await upstream.arrayBuffer());
    const type = upstream.headers.get('content-type') ?? 'text/plain';
    if (type.includes('json')) {
      let json = JSON.parse(body.toString('utf8')) as {
        invoices?: { invoice?: Array<Record<string, unknown>> };
      };
      const rows = json.invoices?.invoice;
      if (Array.isArray(rows)) {
        json.invoices!.invoice = rows.map((row) => edits.get(Number(row.id))?.(row) ?? row);
        if (editPage) json = editPage(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), json);
        body = Buffer.from(JSON.stringify(json));
      }
    }
    res.writeHead(upstream.status, { 'content-type': type, 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const path = new URL(target).pathname;
  return { url: `http://127.0.0.1:${port}${path}` };
}
