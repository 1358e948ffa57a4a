import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../src/store/testing/postgres-server.ts';
import { configFor } from './harness.ts';
import { bundleCli, type CliRun, removeBundle, runCli } from './reliability-support.ts';

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

/** `count` bridges serving one new database, with managed sources on. */
async function bridges(count: number, name: string): Promise<Running[]> {
  const url = await createDatabase(inject('postgresUrl'), name);
  const key = randomBytes(32).toString('base64');
  const started: Running[] = [];
  for (let i = 0; i < count; i++) {
    const { file, env, dataDir } = configFor([], {
      store: { kind: 'postgres', url: { env: 'DATABASE_URL' }, poolSize: 4 },
      managedSources: { key: { env: 'MANAGED_KEY' }, allowPrivateNetworks: ['127.0.0.0/8'] },
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
  return started;
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
