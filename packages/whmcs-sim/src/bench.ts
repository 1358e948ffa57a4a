// `pnpm bench`: the simulator's own cost at a million invoices (no latency knobs). Prints times
// measured in this run; numbers are for comparison between runs on one machine, not assertions.
import { serveWhmcsSimulator } from './serve.ts';
import { createWhmcsSimulator } from './simulator.ts';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 1_000_000);
const auth = {
  identifier: 'sim-identifier',
  secret: 'sim-secret',
  action: 'GetInvoices',
  responsetype: 'json',
};

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

async function timed<T>(label: string, run: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label.padEnd(52)} ${(performance.now() - started).toFixed(1).padStart(8)} ms`);
  return result;
}

globalThis.gc?.();
const before = process.memoryUsage();
const sim = await timed(`generate ${INVOICES.toLocaleString('en')} invoices`, () =>
  createWhmcsSimulator({ invoices: INVOICES, clients: 5000, orphans: 100 }),
);
globalThis.gc?.();
const after = process.memoryUsage();
console.log(
  `heap + buffers for the data: ${mb(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers)}, RSS ${mb(after.rss)}`,
);

async function page(params: Record<string, string>): Promise<number> {
  const res = await sim.fetch(
    new Request('http://whmcs.test/includes/api.php', {
      method: 'POST',
      body: new URLSearchParams({ ...auth, ...params }),
    }),
  );
  const body = (await res.json()) as { numreturned: number };
  return body.numreturned;
}

await timed('first page by id (builds the id index)', () => page({ orderby: 'id', limitnum: '1000' }));
await timed('1000 rows by id at offset 0', () => page({ orderby: 'id', limitnum: '1000' }));
await timed('1000 rows by id at offset 500,000', () =>
  page({ orderby: 'id', limitnum: '1000', limitstart: '500000' }),
);
await timed('1000 rows by id at offset 998,000', () =>
  page({ orderby: 'id', limitnum: '1000', limitstart: '998000' }),
);
await timed('default order, first call (sorts once)', () => page({ limitnum: '1000', limitstart: '300000' }));
await timed('default order, 1000 rows at offset 600,000', () =>
  page({ limitnum: '1000', limitstart: '600000' }),
);
await timed('status=Paid, first call (filters once)', () =>
  page({ status: 'Paid', orderby: 'id', limitnum: '1000' }),
);
await timed('status=Paid, 1000 rows at offset 400,000', () =>
  page({ status: 'Paid', orderby: 'id', limitnum: '1000', limitstart: '400000' }),
);
await timed('orderby=total desc, first call (sorts once)', () =>
  page({ orderby: 'total', order: 'desc', limitnum: '1000' }),
);
await timed('userid=42, first call (groups by client once)', () => page({ userid: '42', limitnum: '1000' }));
sim.addInvoice();
await timed('1000 rows by id after a mutation (index rebuilt)', () =>
  page({ orderby: 'id', limitnum: '1000', limitstart: '999000' }),
);

const served = await serveWhmcsSimulator({ invoices: INVOICES, clients: 5000 });
const url = `${served.url}includes/api.php`;
const body = new URLSearchParams({ ...auth, orderby: 'id', limitnum: '1000', limitstart: '750000' });
await fetch(url, { method: 'POST', body });
await timed('over loopback HTTP: 1000 rows by id at offset 750,000', async () => {
  const res = await fetch(url, { method: 'POST', body });
  return (await res.arrayBuffer()).byteLength;
});
await served.close();
