import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MANAGED_REFRESH_MS } from '../src/sources/managed-sources.ts';
import { createDatabase } from '../src/store/testing/postgres-server.ts';
import { FACADE_ID, FACADE_SECRET, facadeUrl, facadeWith, post } from './facade-harness.ts';
import { configFor, simSource } from './harness.ts';
import { bundleCli, type CliRun, removeBundle, runCli, sleep } from './reliability-support.ts';

/*
 * Issue 15, state shared through the database: bridges (the shipped CLI, as separate processes,
 * each with its own data directory) on one PostgreSQL database serve what any of them took in.
 */

const ADMIN = 'shared-bridges-admin-token-0123456789abcdef';
const AUTH = { Authorization: `Bearer ${ADMIN}` };
let bundle: string;

beforeAll(async () => {
  bundle = await bundleCli();
}, 60_000);
afterAll(() => removeBundle(bundle));

interface Running {
  run: CliRun;
  url: string;
}

/** `count` bridges serving one new database, with managed sources and the facade on. */
async function bridges(count: number, name: string): Promise<Running[] & { database: string }> {
  const url = await createDatabase(inject('postgresUrl'), name);
  const key = randomBytes(32).toString('base64');
  const started: Running[] = [];
  for (let i = 0; i < count; i++) {
    const { file, env, dataDir } = configFor([], {
      store: { kind: 'postgres', url: { env: 'DATABASE_URL' }, poolSize: 4 },
      managedSources: { key: { env: 'MANAGED_KEY' }, allowPrivateNetworks: ['127.0.0.0/8'] },
      facade: facadeWith({ ban: false }),
      tokens: [
        {
          name: 'admin',
          token: { env: 'ADMIN_TOKEN' },
          scopes: ['read', 'commitments:write', 'sources:admin'],
        },
      ],
    });
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const run = runCli(bundle, ['--config', configPath, 'serve'], {
      ...env,
      DATABASE_URL: url,
      MANAGED_KEY: key,
      ADMIN_TOKEN: ADMIN,
    });
    started.push({ run, url: '' });
  }
  for (const b of started) b.url = (await b.run.waitFor(/bridge listening on (http:\/\/[\d.:]+)/))[1]!;
  return Object.assign(started, { database: url });
}

/** Polls `check` until it holds; answers how long that took (ms), or throws after `withinMs`. */
async function within(withinMs: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}

async function call(bridge: Running, method: string, path: string, body?: unknown, headers = {}) {
  const res = await fetch(`${bridge.url}${path}`, {
    method,
    headers: { ...AUTH, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers asserted field by field
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000), Buffer.from('\n%%EOF\n')]);

describe('bridges on one PostgreSQL database share', () => {
  it('attachments: uploaded through one, downloaded from another; deleted through that one, gone on the first', async () => {
    const [a, b] = await bridges(2, 'attachments');
    const cp = (await call(a!, 'POST', '/v1/counterparties', { name: 'DC' })).body.data;
    const commitment = (
      await call(a!, 'POST', '/v1/commitments', {
        counterpartyId: cp.id,
        title: 'Rack',
        currency: 'EUR',
        amount: '10.00',
        cadence: 'monthly',
        startDate: '2024-01-01',
      })
    ).body.data;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'contract.pdf');
    const uploaded = await fetch(`${a!.url}/v1/commitments/${commitment.id}/attachments`, {
      method: 'POST',
      headers: AUTH,
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const [attachment] = ((await uploaded.json()) as { data: Array<{ id: string }> }).data;

    const download = (bridge: Running) =>
      fetch(`${bridge.url}/v1/attachments/${attachment!.id}`, { headers: AUTH });
    const fromB = await download(b!);
    expect(fromB.status).toBe(200);
    expect(Buffer.from(await fromB.arrayBuffer()).equals(PDF)).toBe(true);

    const removed = await call(b!, 'DELETE', `/v1/attachments/${attachment!.id}`, undefined, {
      'If-Match': '"1"',
    });
    expect(removed.status).toBe(200);
    expect((await download(a!)).status).toBe(404);
    expect((await download(b!)).status).toBe(404);
    for (const x of [a!, b!]) {
      const listed = await call(x, 'GET', `/v1/commitments/${commitment.id}/attachments`);
      expect(listed.body.data).toEqual([]);
    }
  }, 120_000);
});

/** A change through one bridge's API reaches the others within this (one refresh, plus slack for a loaded machine). */
const PROPAGATION_MS = MANAGED_REFRESH_MS + 4_000;

describe('sources managed through the API, with several bridges on one PostgreSQL database', () => {
  it('added, changed, disabled, archived or deleted through one bridge: the others serve it (API and facade) without a restart, and one of them syncs it', async () => {
    const INVOICES = 300;
    const m1 = await simSource('m1', { invoices: INVOICES, seed: 5 });
    const m2 = await simSource('m2', { invoices: 12, seed: 6 });
    const fleet = await bridges(3, 'managed');
    const [a, b, c] = [fleet[0]!, fleet[1]!, fleet[2]!];
    const base = {
      identifier: 'forecaster',
      allowInsecureHttp: true,
      schedule: { incrementalEvery: '5m', fullEvery: '24h' },
    };
    const listed = async (x: Running) =>
      (await call(x, 'GET', '/v1/sources')).body.data as Array<{ id: string; state: string }>;
    // The sources each bridge serves and syncs (an archived one is listed too, marked archived).
    const ids = async (x: Running) =>
      (await listed(x)).filter((s) => s.state !== 'archived').map((s) => s.id);
    const settings = async (x: Running, id: string) => call(x, 'GET', `/v1/sources/${id}/settings`);
    const facade = (x: Running, id: string) =>
      post(facadeUrl(x.url, id), {
        identifier: FACADE_ID,
        secret: FACADE_SECRET,
        action: 'GetInvoices',
        responsetype: 'json',
        limitnum: '1',
      });
    const took: Record<string, number> = {};

    // Added through A.
    const created = await call(a, 'POST', '/v1/sources', {
      ...base,
      id: 'm1',
      url: m1.served.url,
      secret: m1.secret,
    });
    expect(created.status).toBe(201);
    took.added = await within(PROPAGATION_MS, 'm1 listed and faced on B and C', async () => {
      for (const x of [b, c]) {
        if (!(await ids(x)).includes('m1')) return false;
        if ((await facade(x, 'm1')).status === 404) return false;
      }
      return true;
    });

    // Synced once, by one of them, and served by all (the facade too).
    await within(60_000, 'the first full sync of m1', async () => {
      const data = (await call(c, 'GET', '/v1/sources/m1')).body.data;
      return data?.lastFull?.result === 'ok';
    });
    for (const x of [a, b, c]) {
      const listed = await call(x, 'GET', '/v1/invoices?source=m1&limit=1000');
      expect(listed.body.data).toHaveLength(INVOICES);
      const page = await facade(x, 'm1');
      expect(page.status).toBe(200);
      expect(JSON.parse(page.body).totalresults).toBe(INVOICES);
    }
    // One full walk, by one bridge: each syncing bridge would start its own walk up from the first row.
    const walksUp = m1.served.sim.requests.filter(
      (r) =>
        r.action?.toLowerCase() === 'getinvoices' && r.params.limitstart === '0' && r.params.order === 'asc',
    );
    expect(
      walksUp,
      JSON.stringify(
        m1.served.sim.requests.map((r) => [
          r.at.toISOString().slice(11, 23),
          r.action,
          r.params.limitstart,
          r.params.limitnum,
          r.params.order,
          r.rows,
        ]),
      ),
    ).toHaveLength(1);
    // Changed through A, disabled through B.
    const renamed = await call(
      a,
      'PATCH',
      '/v1/sources/m1',
      { name: 'Renamed' },
      { 'If-Match': created.body.data.version ? `"${created.body.data.version}"` : '"1"' },
    );
    expect(renamed.status).toBe(200);
    took.changed = await within(PROPAGATION_MS, 'the new name on B and C', async () => {
      for (const x of [b, c]) if ((await settings(x, 'm1')).body.data?.name !== 'Renamed') return false;
      return true;
    });
    const disabled = await call(
      b,
      'PATCH',
      '/v1/sources/m1',
      { disabled: true },
      { 'If-Match': `"${renamed.body.data.version}"` },
    );
    expect(disabled.status).toBe(200);
    took.disabled = await within(PROPAGATION_MS, 'm1 disabled on A and C', async () => {
      for (const x of [a, c]) if ((await settings(x, 'm1')).body.data?.disabled !== true) return false;
      return true;
    });

    // Archived through C: gone from the others' listings, its invoices readable by name.
    const archived = await call(c, 'DELETE', '/v1/sources/m1?invoices=archive', undefined, {
      'If-Match': `"${disabled.body.data.version}"`,
    });
    expect(archived.status).toBe(200);
    took.archived = await within(PROPAGATION_MS, 'm1 archived on A and B', async () => {
      for (const x of [a, b]) {
        if ((await ids(x)).includes('m1')) return false;
        if ((await facade(x, 'm1')).status !== 404) return false;
      }
      return true;
    });
    for (const x of [a, b]) {
      expect((await listed(x)).find((s) => s.id === 'm1')?.state).toBe('archived');
      expect((await call(x, 'GET', '/v1/invoices?source=m1&limit=1000')).body.data).toHaveLength(INVOICES);
      expect((await call(x, 'POST', '/v1/sources/m1/sync', {})).status).toBe(404);
    }

    // Added through B, deleted with its invoices through A: gone on B and C.
    const m2made = await call(b, 'POST', '/v1/sources', {
      ...base,
      id: 'm2',
      url: m2.served.url,
      secret: m2.secret,
    });
    expect(m2made.status).toBe(201);
    await within(PROPAGATION_MS, 'm2 on A', async () => (await ids(a)).includes('m2'));
    const gone = await call(a, 'DELETE', '/v1/sources/m2?invoices=remove', undefined, { 'If-Match': '"1"' });
    expect(gone.status).toBe(200);
    took.deleted = await within(PROPAGATION_MS, 'm2 gone from B and C', async () => {
      for (const x of [b, c])
        if ((await settings(x, 'm2')).status !== 404 || (await ids(x)).includes('m2')) return false;
      return true;
    });
    console.log(`managed sources propagated between bridges in (ms): ${JSON.stringify(took)}`);
  }, 180_000);
});

describe('sources managed through the API, on SQLite', () => {
  it('`bridge sync` (another process) syncs a source a running `serve` created', async () => {
    const m1 = await simSource('m1', { invoices: 40, seed: 8 });
    const { file, env, dataDir } = configFor([], {
      managedSources: { key: { env: 'MANAGED_KEY' }, allowPrivateNetworks: ['127.0.0.0/8'] },
      tokens: [{ name: 'admin', token: { env: 'ADMIN_TOKEN' }, scopes: ['read', 'sources:admin'] }],
    });
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const runEnv = { ...env, MANAGED_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: ADMIN };
    const serve = runCli(bundle, ['--config', configPath, 'serve'], runEnv);
    const served: Running = {
      run: serve,
      url: (await serve.waitFor(/bridge listening on (http:\/\/[\d.:]+)/))[1]!,
    };
    const created = await call(served, 'POST', '/v1/sources', {
      id: 'm1',
      url: m1.served.url,
      identifier: 'forecaster',
      secret: m1.secret,
      allowInsecureHttp: true,
    });
    expect(created.status).toBe(201);
    await within(60_000, "serve's first full sync", async () => {
      return (await call(served, 'GET', '/v1/sources/m1')).body.data?.lastFull?.result === 'ok';
    });
    const sync = runCli(bundle, ['--config', configPath, 'sync', '--source', 'm1'], runEnv);
    expect(await sync.exit, sync.err()).toBe(0);
    expect(sync.out()).toMatch(/m1\s+incremental\s+ok/);
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
  }, 120_000);
});
