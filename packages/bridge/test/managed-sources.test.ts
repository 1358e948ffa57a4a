import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from '../src/bridge.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { configFor, expectStoreEqualsSim, simSource, tempDir } from './harness.ts';

/*
 * Sources managed through the API, end to end: a real bridge, the simulator on loopback, the
 * real connection check and login gate, the scheduler, and the store's files searched for any
 * secret afterwards (database, WAL, a backup), with every response and log line.
 */

const ADMIN = 'managed-sources-admin-token-0123456789abcdef';
const READER = 'managed-sources-read-token-0123456789abcdefg';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

async function start(options: { key?: boolean; sources?: Awaited<ReturnType<typeof simSource>>[] } = {}) {
  const { file, env, dataDir } = configFor(options.sources ?? [], {
    tokens: [
      { name: 'admin', token: { env: 'ADMIN_TOKEN' }, scopes: ['read', 'sources:admin'] },
      { name: 'reader', token: { env: 'READ_TOKEN' }, scopes: ['read'] },
    ],
    ...(options.key === false
      ? {}
      : { managedSources: { key: { env: 'MANAGED_KEY' }, allowPrivateNetworks: ['127.0.0.0/8'] } }),
  });
  env.ADMIN_TOKEN = ADMIN;
  env.READ_TOKEN = READER;
  env.MANAGED_KEY = randomBytes(32).toString('base64');
  const config = loadConfig({ fallback: file, env });
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    format: 'json',
    secrets: config.secrets,
    destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream,
  });
  bridge = await createBridge(config, { logger });
  const bodies: string[] = [];
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await bridge!.app.request(path, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    bodies.push(text);
    return {
      status: res.status,
      etag: res.headers.get('ETag'),
      // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, asserted field by field
      body: JSON.parse(text) as Record<string, any>,
    };
  };
  return { bridge, call, lines, bodies, dataDir, logger };
}

function filesOf(dir: string): Buffer[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('bridge.sqlite'))
    .map((f) => readFileSync(join(dir, f)));
}

describe('sources managed through the API', () => {
  it('are refused with a clear message without a key', async () => {
    const { call } = await start({ key: false });
    const res = await call('POST', '/v1/sources', {
      id: 'm1',
      url: 'https://billing.example.com/',
      identifier: 'x',
      secret: 'y',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.reason).toBe('managed_sources_off');
    expect(res.body.error.message).toMatch(/set managedSources\.key .*openssl rand -base64 32/);
  });

  it('check first, save sealed, sync on schedule, stay read-only for file sources, delete as asked; no secret anywhere', async () => {
    const eu = await simSource('eu', { invoices: 5 });
    const m1 = await simSource('m1', { invoices: 40 });
    const { call, lines, bodies, dataDir, bridge: b } = await start({ sources: [eu] });
    const wrongSecret = `wrong-secret-Tapir-${randomBytes(6).toString('hex')}`;
    const accessKey = `access-key-Okapi-${randomBytes(6).toString('hex')}`;
    const base = {
      url: m1.served.url,
      identifier: 'forecaster',
      allowInsecureHttp: true,
      schedule: { incrementalEvery: '5m', fullEvery: '24h' },
    };

    // Only sources:admin may manage sources.
    const denied = await b.app.request('/v1/sources', {
      method: 'POST',
      headers: { Authorization: `Bearer ${READER}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(denied.status).toBe(403);

    // A failing check saves nothing, and answers the report.
    const failing = await call('POST', '/v1/sources', { ...base, id: 'm0', secret: wrongSecret, accessKey });
    expect(failing.status).toBe(409);
    expect(failing.body.error.details.reason).toBe('check_failed');
    expect(failing.body.error.details.check.ok).toBe(false);
    expect((await call('GET', '/v1/sources/m0/settings')).status).toBe(404);
    // With force it is saved (and then disabled, which needs no check).
    const forced = await call('POST', '/v1/sources', {
      ...base,
      id: 'm0',
      secret: wrongSecret,
      accessKey,
      force: true,
    });
    expect(forced.status).toBe(201);
    expect(forced.body.data).toMatchObject({
      origin: 'api',
      secretSet: true,
      accessKeySet: true,
      disabled: false,
    });
    const off = await call('PATCH', '/v1/sources/m0', { disabled: true }, { 'If-Match': forced.etag! });
    expect(off.status).toBe(200);
    expect(off.body.check).toBeNull();

    // The URL rules come before any call.
    const metadata = await call('POST', '/v1/sources', {
      ...base,
      id: 'mx',
      url: 'http://169.254.169.254/',
      secret: 's',
    });
    expect(metadata.status).toBe(400);

    const created = await call('POST', '/v1/sources', { ...base, id: 'm1', secret: m1.secret });
    expect(created.status).toBe(201);
    expect(created.body.check.ok).toBe(true);
    expect(created.body.data).toMatchObject({
      id: 'm1',
      origin: 'api',
      readOnly: false,
      version: 1,
      secretSet: true,
    });
    expect(created.body.data).not.toHaveProperty('secret');

    // The scheduler syncs it like a file source.
    await b.listen();
    for (let i = 0; i < 400 && !(await b.store.getSource('m1'))?.lastFull; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await b.store.getSource('m1'))?.lastFull?.result).toBe('ok');
    await expectStoreEqualsSim(b.store, { id: 'm1', secret: m1.secret, timeZone: 'UTC', served: m1.served });
    expect((await call('GET', '/v1/sources')).body.data.map((s: { id: string }) => s.id)).toEqual([
      'eu',
      'm0',
      'm1',
    ]);

    // File sources are read-only here, and say so.
    const fileSettings = await call('GET', '/v1/sources/eu/settings');
    expect(fileSettings.body.data).toMatchObject({ origin: 'file', readOnly: true, secretSet: true });
    expect(fileSettings.body.data.readOnlyReason).toMatch(/configuration file/);
    const patchFile = await call('PATCH', '/v1/sources/eu', { pageSize: 10 }, { 'If-Match': '"1"' });
    expect(patchFile.status).toBe(409);
    expect(patchFile.body.error.details.reason).toBe('read_only_source');

    // Writes need If-Match and a fresh version.
    expect((await call('PATCH', '/v1/sources/m1', { pageSize: 10 })).status).toBe(428);
    expect((await call('PATCH', '/v1/sources/m1', { pageSize: 10 }, { 'If-Match': '"7"' })).status).toBe(412);

    // Deleting asks what to do with the invoices, and says how many.
    const ask = await call('DELETE', '/v1/sources/m1');
    expect(ask.status).toBe(409);
    expect(ask.body.error.details).toEqual({
      reason: 'choice_required',
      invoices: 40,
      choices: ['archive', 'remove'],
    });
    const removed = await call('DELETE', '/v1/sources/m1?invoices=remove', undefined, { 'If-Match': '"1"' });
    expect(removed.body).toEqual({ data: { id: 'm1', invoices: 'remove', count: 40 } });
    expect(await b.store.listInvoices({ sources: ['m1'] }, undefined, 10)).toEqual([]);
    expect((await call('GET', '/v1/sources/m1')).status).toBe(404);
    const archived = await call('DELETE', '/v1/sources/m0?invoices=archive', undefined, {
      'If-Match': off.etag!,
    });
    expect(archived.status).toBe(200);
    expect((await call('GET', '/v1/sources/m0/settings')).body.data).toMatchObject({
      readOnly: true,
      secretSet: false,
    });
    expect((await b.store.managedSources.get('m0'))?.sealed.length).toBe(0);

    // No secret in any response, log line, the store's files (database and WAL), or a backup.
    const secrets = [wrongSecret, accessKey, m1.secret];
    const backup = join(tempDir(), 'backup.sqlite');
    const db = new Database(join(dataDir, 'bridge.sqlite'), { readonly: true });
    await db.backup(backup);
    db.close();
    const audit = await call('GET', '/v1/audit?limit=1000');
    expect(audit.body.data.some((e: { resource: string }) => e.resource === 'source')).toBe(true);
    const haystacks = [...bodies, ...lines, ...filesOf(dataDir), readFileSync(backup)];
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const hay of haystacks)
        expect(hay.includes(secret), `a secret in ${String(hay).slice(0, 80)}`).toBe(false);
    }
  }, 60_000);

  it('keeps the invoices of a source deleted as archived readable by name, also after a restart', async () => {
    const m2 = await simSource('m2', { invoices: 12 });
    const { call, bridge: b } = await start();
    const made = await call('POST', '/v1/sources', {
      id: 'm2',
      url: m2.served.url,
      identifier: 'forecaster',
      secret: m2.secret,
      allowInsecureHttp: true,
    });
    expect(made.status).toBe(201);
    expect((await b.engine.run('m2', 'full')).result).toBe('ok');
    const archived = await call('DELETE', '/v1/sources/m2?invoices=archive', undefined, {
      'If-Match': made.etag!,
    });
    expect(archived.body).toEqual({ data: { id: 'm2', invoices: 'archive', count: 12 } });

    const readable = async (bridge: Bridge) => {
      const get = async (path: string) => {
        const res = await bridge.app.request(path, { headers: { Authorization: `Bearer ${READER}` } });
        return { status: res.status, body: (await res.json()) as { data: Array<{ id: number }> } };
      };
      const named = await get('/v1/invoices?source=m2&limit=100');
      expect(named.status).toBe(200);
      expect(named.body.data).toHaveLength(12);
      expect((await get(`/v1/invoices/m2/${named.body.data[0]!.id}`)).status).toBe(200);
      expect((await get('/v1/revenue?source=m2')).status).toBe(200);
      // Not part of what a query that names no source reads, and never synced again.
      expect((await get('/v1/invoices?limit=100')).body.data).toHaveLength(0);
      const sync = await bridge.app.request('/v1/sources/m2/sync', {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN}` },
      });
      expect(sync.status).toBe(404);
      // Listed, marked archived, with the invoices it keeps.
      const listed = (await get('/v1/sources')).body.data as unknown as Array<Record<string, unknown>>;
      expect(listed.find((x) => x.id === 'm2')).toMatchObject({
        id: 'm2',
        state: 'archived',
        archivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastError: null,
        lastFull: { result: 'ok' },
      });
      const counted = listed.find((x) => x.id === 'm2')!.invoiceCounts as Record<string, number>;
      expect(Object.values(counted).reduce((a, n) => a + n, 0)).toBe(12);
      // And answered by id as the list shows it (it was a 404).
      const one = (await get('/v1/sources/m2')) as unknown as { status: number; body: { data: unknown } };
      expect(one.status).toBe(200);
      expect(one.body.data).toEqual(listed.find((x) => x.id === 'm2'));
    };
    await readable(b);
    await b.close();
    bridge = await createBridge(b.config, { logger: createLogger({ level: 'silent' }) });
    await readable(bridge);
  });

  it("puts a managed source's secret and access key in the logger's redaction list, also after a restart (trace level)", async () => {
    const { call, lines, logger, bridge: b } = await start();
    const secret = `managed-secret-Gecko-${randomBytes(6).toString('hex')}`;
    const accessKey = `managed-key-Lemur-${randomBytes(6).toString('hex')}`;
    const made = await call('POST', '/v1/sources', {
      id: 'redacted',
      url: 'http://127.0.0.1:1/',
      identifier: 'forecaster',
      secret,
      accessKey,
      allowInsecureHttp: true,
      force: true,
    });
    expect(made.status).toBe(201);
    // Written as free text, where only the list of secret values can find them.
    logger.trace(`echoed by a proxy: ${secret} / ${encodeURIComponent(accessKey)}`);
    const echoed = lines.at(-1)!;
    expect(echoed).toContain('echoed by a proxy: *** / ***');
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(accessKey);
    // A bridge started later loads the source from the store: its logger redacts them too.
    await b.close();
    const later: string[] = [];
    // The configuration's own secrets only, as a fresh process reads them.
    const secrets = b.config.secrets.filter((s) => s !== secret && s !== accessKey);
    const laterLogger = createLogger({
      level: 'trace',
      format: 'json',
      secrets,
      destination: { write: (line: string) => later.push(line) } as unknown as NodeJS.WritableStream,
    });
    bridge = await createBridge({ ...b.config, secrets }, { logger: laterLogger });
    laterLogger.trace(`again: ${secret}, ${accessKey}`);
    expect(later.at(-1)).toContain('again: ***, ***');
  });

  it('a create sent with an Idempotency-Key is answered once, also to a retry racing it', async () => {
    const { call, bodies } = await start();
    const body = {
      id: 'retried',
      url: 'http://127.0.0.1:1/',
      identifier: 'forecaster',
      secret: `secret-Numbat-${randomBytes(6).toString('hex')}`,
      allowInsecureHttp: true,
      force: true,
    };
    const key = { 'Idempotency-Key': 'create-retried-1' };
    const [a, b] = await Promise.all([
      call('POST', '/v1/sources', body, key),
      call('POST', '/v1/sources', body, key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(a.etag).toBe('"1"');
    const retry = await call('POST', '/v1/sources', body, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(a.body);
    expect(retry.etag).toBe('"1"');
    // Another request under the same key is refused, not answered the first result.
    const other = await call('POST', '/v1/sources', { ...body, secret: 'another-secret-Quokka' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
    // Without the key, a repeat is a new request: the id is taken.
    const unkeyed = await call('POST', '/v1/sources', body);
    expect(unkeyed.status).toBe(409);
    expect(unkeyed.body.error.details.reason).toBe('id_taken');
    expect(
      (await call('GET', '/v1/audit?limit=100')).body.data.filter(
        (e: { resource: string; action: string }) => e.resource === 'source' && e.action === 'create',
      ),
    ).toHaveLength(1);
    for (const text of bodies) expect(text).not.toContain(body.secret);
  });

  it('a failing URL is answered as a short excerpt, never in full', async () => {
    const page = `<html>${'x'.repeat(200_000)}SECRET-TAIL</html>`;
    const server = createServer((_, res) => {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end(page);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { call } = await start();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await call('POST', '/v1/sources', {
        id: 'broken',
        url,
        identifier: 'x',
        secret: 'some-secret-value',
        allowInsecureHttp: true,
      });
      expect(res.status).toBe(409);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('SECRET-TAIL');
      expect(text.length).toBeLessThan(8_000);
      expect(res.body.error.details.check.ok).toBe(false);
    } finally {
      server.close();
    }
  });
});
