/*
 * What users would pick instead of the bridge, walked against the same simulated WHMCS: the
 * npm `whmcs` client (1.2.2, a dev dependency of the benchmark only) paging GetInvoices as its
 * README shows, and the request shape of PUQ's Commitments Forecaster module (Paid only,
 * orderby=id, order=desc, pages of its configurable "step").
 */
import { createRequire } from 'node:module';
import { createWhmcsClient, resolveApiUrl } from '@forecaster/whmcs-client';
import type { SimEndpoint } from './children.ts';

export interface WalkOutcome {
  ms: number;
  calls: number;
  rows: number;
  /** Distinct invoice ids among the rows. */
  distinct: number;
}

/** PUQ's step is set per WHMCS system in its module; this is the value measured. */
export const PUQ_STEP = 100;

interface NpmWhmcsClient {
  billing: {
    getInvoices(
      options: Record<string, string | number>,
      callback: (err: Error | null, data?: { invoices?: unknown }) => void,
    ): void;
  };
}

function rowsOf(invoices: unknown): Array<{ id: number | string }> {
  if (invoices && typeof invoices === 'object' && 'invoice' in invoices) {
    const rows = (invoices as { invoice?: unknown }).invoice;
    return Array.isArray(rows) ? rows : [];
  }
  return [];
}

/** The npm `whmcs` client: limitstart += pageSize in WHMCS's default order, until a short page. */
export async function npmWhmcsWalk(sim: SimEndpoint, pageSize: number): Promise<WalkOutcome> {
  const require = createRequire(import.meta.url);
  const WHMCS = require('whmcs') as new (options: Record<string, string>) => NpmWhmcsClient;
  // It sends username/password: WHMCS takes an API identifier and secret there too.
  const client = new WHMCS({
    username: 'bench',
    password: sim.secret,
    serverUrl: resolveApiUrl(sim.url).href,
  });
  const page = (start: number) =>
    new Promise<Array<{ id: number | string }>>((resolve, reject) =>
      client.billing.getInvoices({ limitstart: start, limitnum: pageSize }, (err, data) =>
        err ? reject(err) : resolve(rowsOf(data?.invoices)),
      ),
    );
  return walkPages(pageSize, page);
}

/** PUQ's Commitments Forecaster: Paid only, newest first by id, `step` at a time. */
export async function puqWalk(sim: SimEndpoint, step: number): Promise<WalkOutcome> {
  const client = createWhmcsClient({
    url: sim.url,
    credentials: { identifier: 'bench', secret: sim.secret },
  });
  return walkPages(step, async (start) => {
    const page = await client.getInvoices({
      limitStart: start,
      limitNum: step,
      status: 'Paid',
      orderBy: 'id',
      order: 'desc',
    });
    return page.invoices;
  });
}

async function walkPages(
  pageSize: number,
  page: (start: number) => Promise<Array<{ id: number | string }>>,
): Promise<WalkOutcome> {
  const ids = new Set<string>();
  let rows = 0;
  let calls = 0;
  const started = performance.now();
  for (let start = 0; ; start += pageSize) {
    const invoices = await page(start);
    calls++;
    rows += invoices.length;
    for (const invoice of invoices) ids.add(String(invoice.id));
    if (invoices.length < pageSize) break;
  }
  return { ms: performance.now() - started, calls, rows, distinct: ids.size };
}
