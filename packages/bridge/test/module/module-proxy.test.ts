import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations } from '@forecaster/module-assets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminSession,
  MODULE_TOKEN,
  type ModuleWorld,
  openSession,
  startModuleWorld,
} from './module-harness.ts';

/*
 * The PHP proxy run for real: the built addon under `php -S`, called the way its page calls it,
 * in front of the real bridge with demo data. Every answer (body and headers) is kept, and none
 * may contain the bridge token.
 */

let world: ModuleWorld;
let admin: AdminSession;
const seen: string[] = [];

beforeAll(async () => {
  world = await startModuleWorld();
  admin = await openSession(world.whmcs);
  seen.push(admin.page);
}, 120_000);

afterAll(async () => {
  const group = world?.whmcs.pid;
  await world?.close();
  // php -S forks workers: closing must stop them all, not leave them running (they did once).
  if (group) {
    await new Promise((r) => setTimeout(r, 300));
    expect(() => process.kill(-group, 0)).toThrow();
  }
});

interface Answer {
  status: number;
  type: string;
  body: string;
  json: {
    error?: { code: string; message: string; fix?: string[]; details?: unknown };
    [key: string]: unknown;
  };
}

async function api(
  op: string,
  params: Record<string, string> = {},
  options: { post?: boolean; token?: string | null; session?: AdminSession; extraQuery?: string } = {},
): Promise<Answer> {
  const session = options.session ?? admin;
  const query = new URLSearchParams({ action: 'api', op });
  const form = new URLSearchParams();
  if (options.post) {
    for (const [k, v] of Object.entries(params)) form.set(k, v);
    if (options.token !== null) form.set('token', options.token ?? session.csrf);
  } else {
    for (const [k, v] of Object.entries(params)) query.set(k, v);
  }
  const res = await fetch(`${world.whmcs.pageUrl}&${query}${options.extraQuery ?? ''}`, {
    method: options.post ? 'POST' : 'GET',
    headers: {
      cookie: session.cookie,
      ...(options.post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(options.post ? { body: form.toString() } : {}),
  });
  const body = await res.text();
  seen.push(body, JSON.stringify([...res.headers]));
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${body.slice(0, 500)}`);
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, json };
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

/** An upload as the page sends it: multipart, the files as `file[]`, the CSRF token, their count. */
async function uploadFiles(
  op: string,
  params: Record<string, string>,
  files: Array<[string, Buffer]>,
): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) form.set(k, v);
  form.set('token', admin.csrf);
  form.set('files', String(files.length));
  for (const [name, bytes] of files) form.append('file[]', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${world.whmcs.pageUrl}&action=api&op=${op}`, {
    method: 'POST',
    headers: { cookie: admin.cookie },
    body: form,
  });
  const body = await res.text();
  seen.push(body, JSON.stringify([...res.headers]));
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, json: JSON.parse(body) };
}

async function direct(path: string): Promise<unknown> {
  const res = await fetch(world.demo.url + path, { headers: { authorization: `Bearer ${MODULE_TOKEN}` } });
  return res.json();
}

async function bridgeServes(path: string): Promise<boolean> {
  const info = (await (await fetch(`${world.demo.url}/openapi.json`)).json()) as { paths: object };
  return path in info.paths;
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the page', () => {
  it('mounts the bundle with the endpoint, a CSRF token and the version, and nothing secret', () => {
    expect(admin.csrf).toMatch(/^[0-9a-f]{40}$/);
    expect(admin.page).toContain('data-endpoint="addonmodules.php?module=commitment_forecaster"');
    expect(admin.page).toContain('data-can-write="true"');
    expect(admin.page).toContain('src="../modules/addons/commitment_forecaster/app.js?v=0.1.0"');
    expect(admin.page).toContain('href="../modules/addons/commitment_forecaster/app.css?v=0.1.0"');
    expect(admin.page).not.toMatch(/Warning:|Notice:|Deprecated:|Fatal error/);
  });

  it('serves the bundle it names', async () => {
    for (const file of ['app.js', 'app.css', 'logo.png']) {
      const res = await fetch(`${world.whmcs.url}/modules/addons/commitment_forecaster/${file}`);
      expect(res.status, file).toBe(200);
    }
  });
});

const written: Record<string, { id: string; version: number } | undefined> = {};
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const idempotencyKey = () => `key-${Math.random().toString(36).slice(2)}-${Date.now()}`;

/**
 * The four writes of a ledger resource, run in the list's order (create, update, delete,
 * restore) on one record: each checks what the bridge stored, If-Match and Idempotency-Key.
 */
function ledgerCases(
  noun: string,
  path: string,
  body: () => Record<string, unknown>,
  change: Record<string, string>,
): Record<string, () => Promise<void>> {
  type Stored = { id: string; version: number; deletedAt: string | null } & Record<string, unknown>;
  const data = (res: Answer) => res.json.data as Stored;
  const stored = async (id: string) => ((await direct(`${path}/${id}`)) as { data: Stored }).data;
  return {
    [`${noun}Create`]: async () => {
      const key = idempotencyKey();
      // A field the operation does not list is dropped (the bridge's strict schema would refuse it).
      const json = JSON.stringify({ ...body(), id: 'xx_chosen-by-me', evil: true });
      const res = await api(`${noun}Create`, { idempotencyKey: key, body: json }, { post: true });
      expect(res.status, res.body).toBe(201);
      expect(data(res)).toMatchObject(body());
      expect(await stored(data(res).id)).toEqual(data(res));
      // The same click retried (its answer was lost) creates nothing more.
      const again = await api(`${noun}Create`, { idempotencyKey: key, body: json }, { post: true });
      expect(again.status).toBe(201);
      expect(data(again).id).toBe(data(res).id);
      written[noun] = data(res);
    },
    [`${noun}Update`]: async () => {
      const { id, version } = written[noun]!;
      const json = JSON.stringify(change);
      const missing = await api(`${noun}Update`, { id, body: json }, { post: true });
      expect(missing.status).toBe(400);
      expect(missing.json.error?.message).toBe('ifMatch: is required');
      const res = await api(`${noun}Update`, { id, ifMatch: `"${version}"`, body: json }, { post: true });
      expect(res.status, res.body).toBe(200);
      expect(data(res)).toMatchObject({ ...change, version: version + 1 });
      // A second change based on the old version is refused, never applied blind.
      const stale = await api(`${noun}Update`, { id, ifMatch: `"${version}"`, body: json }, { post: true });
      expect(stale.status).toBe(412);
      expect(stale.json.error?.code).toBe('precondition_failed');
      written[noun] = data(res);
    },
    [`${noun}Delete`]: async () => {
      const { id, version } = written[noun]!;
      const stale = await api(`${noun}Delete`, { id, ifMatch: `"${version - 1}"` }, { post: true });
      expect(stale.status).toBe(412);
      expect((await stored(id)).deletedAt).toBeNull();
      const res = await api(`${noun}Delete`, { id, ifMatch: `"${version}"` }, { post: true });
      expect(res.status, res.body).toBe(200);
      expect((await stored(id)).deletedAt).not.toBeNull();
      written[noun] = data(res);
    },
    [`${noun}Restore`]: async () => {
      const { id, version } = written[noun]!;
      const res = await api(
        `${noun}Restore`,
        { id, ifMatch: `"${version}"`, idempotencyKey: idempotencyKey() },
        { post: true },
      );
      expect(res.status, res.body).toBe(200);
      expect((await stored(id)).deletedAt).toBeNull();
      written[noun] = data(res);
      if (noun === 'commitment') {
        // It ends in 20 days: the alerts say so (the cron hook raises them in WHMCS).
        const alerts = await api('alerts');
        expect(alerts.json.data).toContainEqual(
          expect.objectContaining({ kind: 'commitment_end', commitmentId: id }),
        );
      }
    },
  };
}

describe('every operation, through the proxy', () => {
  // One case per operation in the shared list: a new operation without a case fails here.
  const cases: Record<string, () => Promise<void>> = {
    sources: async () => {
      const res = await api('sources');
      expect(res.status).toBe(200);
      expect(res.type).toContain('application/json');
      expect((res.json.data as Array<{ id: string }>).map((s) => s.id)).toEqual(['eu', 'us']);
    },
    source: async () => {
      const res = await api('source', { id: 'us' });
      expect(res.status).toBe(200);
      expect((res.json.data as { id: string }).id).toBe('us');
      expect((await api('source', { id: 'nowhere' })).status).toBe(404);
    },
    sourceSettings: async () => {
      const res = await api('sourceSettings', { id: 'eu' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/sources/eu/settings'));
      // A source from the configuration file: read-only here, and it says why.
      expect(res.json.data).toMatchObject({ origin: 'file', readOnly: true });
    },
    sourceCreate: async () => {
      // Nothing listens there: the check fails at TCP, before any WHMCS login.
      const body = {
        id: 'added-here',
        name: 'Added <b>here</b>',
        url: 'http://127.0.0.1:1/',
        identifier: 'ident',
        secret: 'a-secret-that-stays-Kestrel-901',
        allowInsecureHttp: true,
        unlisted: 'dropped',
      };
      const refused = await api('sourceCreate', { body: JSON.stringify(body) }, { post: true });
      expect(refused.status, refused.body).toBe(409);
      expect(refused.json.error?.details).toMatchObject({ reason: 'check_failed', check: { ok: false } });
      const res = await api(
        'sourceCreate',
        { body: JSON.stringify({ ...body, force: true }) },
        { post: true },
      );
      expect(res.status, res.body).toBe(201);
      expect(res.json.data).toMatchObject({
        id: 'added-here',
        origin: 'api',
        readOnly: false,
        secretSet: true,
      });
      expect(res.body).not.toContain('a-secret-that-stays-Kestrel-901');
      expect((await api('sources')).json.data).toContainEqual(expect.objectContaining({ id: 'added-here' }));
    },
    sourceUpdate: async () => {
      const { version } = ((await direct('/v1/sources/added-here/settings')) as { data: { version: number } })
        .data;
      const body = JSON.stringify({ name: 'Renamed', disabled: true });
      const missing = await api('sourceUpdate', { id: 'added-here', body }, { post: true });
      expect(missing.json.error?.message).toBe('ifMatch: is required');
      const res = await api(
        'sourceUpdate',
        { id: 'added-here', ifMatch: `"${version}"`, body },
        { post: true },
      );
      expect(res.status, res.body).toBe(200);
      expect(res.json).toMatchObject({
        data: { name: 'Renamed', disabled: true, version: version + 1 },
        check: null,
      });
      const stale = await api(
        'sourceUpdate',
        { id: 'added-here', ifMatch: `"${version}"`, body },
        { post: true },
      );
      expect(stale.status).toBe(412);
      // A file source is not changed through the API.
      const file = await api('sourceUpdate', { id: 'eu', ifMatch: '"1"', body }, { post: true });
      expect(file.status).toBe(409);
    },
    sourceDelete: async () => {
      const { version } = ((await direct('/v1/sources/added-here/settings')) as { data: { version: number } })
        .data;
      const ask = await api('sourceDelete', { id: 'added-here', ifMatch: `"${version}"` }, { post: true });
      expect(ask.status).toBe(409);
      expect(ask.json.error?.details).toMatchObject({ reason: 'choice_required', invoices: 0 });
      const res = await api(
        'sourceDelete',
        { id: 'added-here', ifMatch: `"${version}"`, invoices: 'remove' },
        { post: true },
      );
      expect(res.status, res.body).toBe(200);
      expect((await api('sources')).json.data).not.toContainEqual(
        expect.objectContaining({ id: 'added-here' }),
      );
    },
    syncStatus: async () => {
      const res = await api('syncStatus', { id: 'eu' });
      expect(res.status).toBe(200);
      expect(res.json).toHaveProperty('lastFull.result', 'ok');
    },
    syncStart: async () => {
      const res = await api('syncStart', { id: 'us', mode: 'incremental' }, { post: true });
      expect(res.status).toBe(202);
      expect(res.json).toMatchObject({ mode: 'incremental', statusUrl: '/v1/sources/us/sync' });
      // It really started: the bridge reports the run (running, or already finished).
      let status: Answer;
      do {
        status = await api('syncStatus', { id: 'us' });
      } while (status.json.running === true);
      expect(status.json).toHaveProperty('lastIncremental.runId', res.json.runId);
    },
    check: async () => {
      const res = await api('check', { id: 'eu' }, { post: true });
      expect(res.status).toBe(200);
      const data = res.json.data as { ok: boolean; stages: Array<{ id: string; status: string }> };
      expect(data.ok).toBe(true);
      expect(data.stages.map((s) => s.id)).toContain('credentials');
    },
    invoices: async () => {
      const query = { source: 'eu', status: 'paid,unpaid', limit: '7' };
      const first = await api('invoices', query);
      expect(first.status).toBe(200);
      expect(first.json).toEqual(await direct('/v1/invoices?source=eu&status=paid,unpaid&limit=7'));
      const next = await api('invoices', { ...query, cursor: first.json.nextCursor as string });
      expect(next.status).toBe(200);
      const ids = (page: Answer) => (page.json.data as Array<{ id: number }>).map((i) => i.id);
      expect(ids(next)).toHaveLength(7);
      expect(ids(next).some((id) => ids(first).includes(id))).toBe(false);
    },
    revenue: async () => {
      const res = await api('revenue', { from: '2024-01', to: '2026-12', bySource: 'true' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/revenue?from=2024-01&to=2026-12&bySource=true'));
      expect((res.json.data as unknown[]).length).toBeGreaterThan(0);
    },
    revenueFigures: async () => {
      const res = await api('revenueFigures', { from: '2025-01', to: '2025-12', source: 'eu' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/revenue/figures?from=2025-01&to=2025-12&source=eu'));
      // Without a rate file the bridge says where to put one; the proxy passes its answer on.
      const converted = await api('revenueFigures', { from: '2025-01', to: '2025-12', convertTo: 'EUR' });
      expect(converted.status).toBe(400);
      expect(converted.json.error?.message).toContain('rates.csv');
    },
    // Endpoints the bridge is getting: the real answer once it serves the path, else its 404.
    receivables: async () => {
      const res = await api('receivables', { dsoDays: '90' });
      if (!(await bridgeServes('/v1/receivables'))) return expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/receivables?dsoDays=90'));
      expect((res.json.data as unknown[]).length).toBeGreaterThan(0);
    },
    forecast: async () => {
      const res = await api('forecast', { months: '3' });
      if (!(await bridgeServes('/v1/forecast'))) return expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      expect(res.json).toHaveProperty('monthly');
    },
    commitments: async () => {
      const res = await api('commitments');
      if (!(await bridgeServes('/v1/commitments'))) return expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/commitments'));
    },
    counterparties: async () => {
      const res = await api('counterparties');
      if (!(await bridgeServes('/v1/counterparties'))) return expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/counterparties'));
    },
    costEntries: async () => {
      const res = await api('costEntries', { includeDeleted: 'true' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/cost-entries?includeDeleted=true'));
    },
    costs: async () => {
      const res = await api('costs', { from: '2025-01', to: '2026-12' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/costs?from=2025-01&to=2026-12'));
    },
    commitmentsForecast: async () => {
      const res = await api('commitmentsForecast', { months: '6' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/commitments/forecast?months=6'));
    },
    netForecast: async () => {
      const res = await api('netForecast', { months: '6' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/forecast/net?months=6'));
    },
    alerts: async () => {
      const res = await api('alerts', { days: '60' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/alerts?days=60'));
    },
    calendar: async () => {
      const res = await api('calendar', { from: '2026-01-01', to: '2027-12-31' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/calendar?from=2026-01-01&to=2027-12-31'));
    },
    alertSettings: async () => {
      const res = await api('alertSettings');
      expect(res.status).toBe(200);
      expect(res.json).toEqual(await direct('/v1/alerts/settings'));
    },
    alertSettingsUpdate: async () => {
      const { version } = (await direct('/v1/alerts/settings')) as { version: number };
      const settings = {
        noticeDays: 45,
        renewalDays: 30,
        endDays: 30,
        // A floor no month reaches: every forecast month raises a cash alert (the cron test below).
        cash: {
          months: 6,
          reportingCurrency: null,
          thresholds: [{ currency: 'EUR', minimum: '100000000.00' }],
        },
      };
      const missing = await api('alertSettingsUpdate', { body: JSON.stringify(settings) }, { post: true });
      expect(missing.json.error?.message).toBe('ifMatch: is required');
      const res = await api(
        'alertSettingsUpdate',
        { ifMatch: `"${version}"`, body: JSON.stringify(settings) },
        { post: true },
      );
      expect(res.status, res.body).toBe(200);
      expect(res.json).toEqual({ data: settings, version: version + 1 });
      expect(await direct('/v1/alerts/settings')).toEqual(res.json);
      const stale = await api(
        'alertSettingsUpdate',
        { ifMatch: `"${version}"`, body: JSON.stringify(settings) },
        { post: true },
      );
      expect(stale.status).toBe(412);
    },
    ...ledgerCases(
      'counterparty',
      '/v1/counterparties',
      () => ({
        name: '<img src=x onerror=alert(1)> & Söhne',
        country: 'DE',
        notes: '<script>alert(2)</script>',
      }),
      { notes: 'changed <b>here</b> & there' },
    ),
    ...ledgerCases(
      'commitment',
      '/v1/commitments',
      () => ({
        counterpartyId: written.counterparty!.id,
        title: 'Rack space "Frankfurt" & power',
        currency: 'EUR',
        amount: '1200.00',
        cadence: 'monthly',
        startDate: '2025-01-01',
        endDate: inDays(20),
        notice: { value: 3, unit: 'month' },
      }),
      { title: 'Rack space & power (renegotiated)' },
    ),
    ...ledgerCases(
      'costEntry',
      '/v1/cost-entries',
      () => ({
        date: '2026-01-15',
        counterpartyId: written.counterparty!.id,
        commitmentId: written.commitment!.id,
        net: '1000.00',
        tax: '190.00',
        gross: '1190.00',
        currency: 'EUR',
        reference: 'INV-<1>',
      }),
      { reference: 'INV-&amp;2' },
    ),
    // Files: each operation once here; module-files.test.ts goes through their limits and refusals.
    ...Object.fromEntries(
      (['commitment', 'costEntry'] as const).flatMap((noun) => {
        const plural = noun === 'commitment' ? 'commitments' : 'costEntries';
        const path = noun === 'commitment' ? '/v1/commitments' : '/v1/cost-entries';
        return [
          [
            `${noun}Attachments`,
            async () => {
              const res = await api(`${noun}Attachments`, { id: written[noun]!.id });
              expect(res.status, res.body).toBe(200);
              expect(res.json).toEqual(await direct(`${path}/${written[noun]!.id}/attachments`));
            },
          ],
          [
            `${noun}AttachmentsUpload`,
            async () => {
              const res = await uploadFiles(`${noun}AttachmentsUpload`, { id: written[noun]!.id }, [
                ['contract.pdf', PDF],
              ]);
              expect(res.status, res.body).toBe(201);
              expect(res.json.data).toEqual([
                expect.objectContaining({ filename: 'contract.pdf', size: PDF.length }),
              ]);
              written.attachment = (res.json.data as Array<{ id: string; version: number }>)[0];
            },
          ],
          [
            `${plural}Csv`,
            async () => {
              const res = await fetch(`${world.whmcs.pageUrl}&action=api&op=${plural}Csv`, {
                headers: { cookie: admin.cookie },
              });
              const text = await res.text();
              seen.push(text);
              expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
              expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
              const bridge = await fetch(`${world.demo.url}${path}/csv`, {
                headers: { authorization: `Bearer ${MODULE_TOKEN}` },
              });
              expect(text).toBe(await bridge.text());
            },
          ],
          [
            `${plural}Import`,
            async () => {
              const csv = Buffer.from('title\nNo currency\n');
              const res = await uploadFiles(`${plural}Import`, { dryRun: 'true' }, [['x.csv', csv]]);
              expect(res.status, res.body).toBe(200);
              expect(res.json).toMatchObject({ dryRun: true, create: [] });
              expect((res.json.errors as unknown[]).length).toBeGreaterThan(0);
            },
          ],
        ];
      }),
    ),
    attachmentDownload: async () => {
      const res = await fetch(
        `${world.whmcs.pageUrl}&action=api&op=attachmentDownload&id=${written.attachment!.id}`,
        { headers: { cookie: admin.cookie } },
      );
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    },
    attachmentDelete: async () => {
      const res = await api(
        'attachmentDelete',
        { id: written.attachment!.id, ifMatch: '"1"' },
        { post: true },
      );
      expect(res.status, res.body).toBe(200);
      expect(
        (await api('attachmentDelete', { id: written.attachment!.id, ifMatch: '"1"' }, { post: true }))
          .status,
      ).toBe(404);
    },
    apiInfo: async () => {
      const res = await api('apiInfo');
      expect(res.status).toBe(200);
      expect(res.json.openapi).toBe('3.1.0');
      expect(Object.keys(res.json.paths as object)).toContain('/v1/revenue');
    },
  };

  it('has a case for every operation in the shared list', () => {
    expect(Object.keys(cases).sort()).toEqual(operations.map((o) => o.op).sort());
  });

  for (const op of operations.map((o) => o.op)) {
    it(op, async () => {
      const run = cases[op];
      if (!run) throw new Error(`no case for operation ${op}`);
      await run();
    });
  }
});

describe('what the proxy refuses', () => {
  it('a write or an action without the CSRF token, with a wrong one, or with it only in the URL', async () => {
    for (const [op, params] of [
      ['syncStart', { id: 'eu' }],
      ['check', { id: 'eu' }],
      ['counterpartyCreate', { body: '{"name":"Not created"}' }],
    ] as const) {
      for (const res of [
        await api(op, params, { post: true, token: null }),
        await api(op, params, { post: true, token: 'f'.repeat(40) }),
        await api(op, params, { post: true, token: null, extraQuery: `&token=${admin.csrf}` }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.json.error?.code).toBe('csrf_failed');
        expect(res.json.error?.fix?.[0]).toMatch(/Reload the page/);
      }
    }
  });

  it('a write over GET', async () => {
    const res = await api('syncStart', { id: 'eu' });
    expect(res.status).toBe(405);
    expect(res.json.error?.code).toBe('method_not_allowed');
  });

  it('writes from an admin whose role is not allowed to change things, whatever the browser sends', async () => {
    world.whmcs.setState({ adminId: 2 });
    try {
      const sales = await openSession(world.whmcs);
      expect(sales.page).toContain('data-can-write="false"');
      const res = await api('syncStart', { id: 'eu', mode: 'full' }, { post: true, session: sales });
      expect(res.status).toBe(403);
      expect(res.json.error?.code).toBe('forbidden_role');
      const create = await api(
        'counterpartyCreate',
        { body: '{"name":"Not created"}' },
        { post: true, session: sales },
      );
      expect(create.json.error?.code).toBe('forbidden_role');
      const names = ((await direct('/v1/counterparties')) as { data: Array<{ name: string }> }).data;
      expect(names.map((c) => c.name)).not.toContain('Not created');
      // Looking is still allowed, and so is a connection check (it changes nothing).
      expect((await api('sources', {}, { session: sales })).status).toBe(200);
      expect((await api('check', { id: 'eu' }, { post: true, session: sales })).status).toBe(200);
    } finally {
      world.whmcs.setState({ adminId: 1 });
    }
  });

  it('unknown operations, and values outside the allowed patterns, without calling the bridge', async () => {
    const unknown = await api('deleteEverything');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error?.code).toBe('unknown_operation');
    const bad = await api('invoices', { source: '../../etc' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^source:/),
    });
  });

  it('drops parameters the operation does not allow (the bridge would refuse them)', async () => {
    const res = await api('invoices', { limit: '2', evil: '1', page: '3' });
    expect(res.status).toBe(200);
    expect(res.json.data).toHaveLength(2);
  });
});

describe('input arrives HTML-encoded, as WHMCS sends it', () => {
  it('is decoded before it is checked and named in the answer', async () => {
    // The harness encodes `<` as `&lt;` like WHMCS; the module must see and report `1<2`.
    const res = await api('invoices', { clientId: '1<2' });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toBe('clientId: "1<2" is not an accepted value');
  });

  it('forwards a decoded value: a list whose separator WHMCS leaves alone, with an ampersand-encoded neighbour dropped', async () => {
    const res = await api('invoices', { status: 'paid,unpaid', limit: '3', 'a&b': 'c' });
    expect(res.status).toBe(200);
    expect(
      (res.json.data as Array<{ status: string }>).every((i) => ['paid', 'unpaid'].includes(i.status)),
    ).toBe(true);
  });
});

describe('a bridge that is not there, slow, or refuses the token', () => {
  async function withSettings<T>(settings: Record<string, string>, run: () => Promise<T>): Promise<T> {
    const before = world.whmcs.state().settings;
    world.whmcs.setState({ settings });
    try {
      return await run();
    } finally {
      world.whmcs.setState({ settings: before });
    }
  }

  it('not configured', async () => {
    const res = await withSettings({ bridgeUrl: '' }, () => api('sources'));
    expect(res.status).toBe(503);
    expect(res.json.error?.code).toBe('bridge_not_configured');
    expect(res.json.error?.fix?.[0]).toMatch(/Addon Modules/);
  });

  it('down', async () => {
    const closed = await silentServer();
    await new Promise((r) => closed.server.close(r));
    const res = await withSettings({ bridgeUrl: closed.url }, () => api('sources'));
    expect(res.status).toBe(502);
    expect(res.json.error?.code).toBe('bridge_unreachable');
    expect(res.json.error?.message).toContain(closed.url);
    expect(res.body).not.toMatch(/Warning:|Notice:|Deprecated:/);
  });

  it('slow: answers a clear timeout, and the admin session is not held meanwhile', async () => {
    const silent = await silentServer();
    try {
      await withSettings({ bridgeUrl: silent.url, timeout: '3' }, async () => {
        const started = Date.now();
        const pending = api('sources');
        await new Promise((r) => setTimeout(r, 500));
        // The same admin opens the page while the bridge call hangs: PHP's file session would
        // block this until the call ends unless the proxy released it.
        const pageStarted = Date.now();
        const page = await fetch(world.whmcs.pageUrl, { headers: { cookie: admin.cookie } });
        await page.text();
        expect(Date.now() - pageStarted).toBeLessThan(1500);
        const res = await pending;
        expect(res.status).toBe(504);
        expect(res.json.error?.code).toBe('bridge_timeout');
        expect(res.json.error?.message).toMatch(/did not answer within 3 s/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
      });
    } finally {
      silent.server.closeAllConnections();
      await new Promise((r) => silent.server.close(r));
    }
  });

  it('refusing the token: says so with the fix, and logs it to the Module Log with the token masked', async () => {
    const wrong = 'wrong-token-Narwhal-9090';
    const res = await withSettings({ bridgeToken: wrong }, () => api('sources'));
    expect(res.status).toBe(502);
    expect(res.json.error?.code).toBe('bridge_token_refused');
    expect(res.json.error?.fix?.[0]).toMatch(/Bridge API token/);
    expect(res.body).not.toContain(wrong);
    const logged = world.whmcs.log().filter((e) => e.kind === 'moduleCall');
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).not.toContain(wrong);
  });

  it('answering with something that is not the bridge (an HTML page)', async () => {
    const other = await withSettings({ bridgeUrl: `${world.whmcs.url}/harness` }, () => api('sources'));
    expect(other.status).toBe(502);
    expect(other.json.error?.code).toBe('bridge_bad_response');
  });

  it('the page itself still renders, whatever the bridge does', async () => {
    const res = await withSettings({ bridgeUrl: 'http://127.0.0.1:9' }, () =>
      fetch(world.whmcs.pageUrl, { headers: { cookie: admin.cookie } }),
    );
    const html = await res.text();
    seen.push(html);
    expect(res.status).toBe(200);
    expect(html).toContain('id="commitment-forecaster"');
    expect(html).not.toMatch(/Warning:|Notice:|Deprecated:/);
  });
});

describe('the dashboard widget and the daily cron', () => {
  it('the widget shows every source and its state, as text, linking into the module', async () => {
    const html = await (await fetch(`${world.whmcs.url}/harness/widget.php`)).text();
    seen.push(html);
    expect(html).toContain('EU billing (simulated WHMCS 8, Europe/Berlin)');
    expect(html).toMatch(/label label-(success|info)/);
    expect(html).toContain('href="addonmodules.php?module=commitment_forecaster"');
    // The next three months: the revenue forecast beside what is committed (the commitment the
    // ledger cases wrote: 1200.00 EUR a month, due on the 1st, ending in 20 days).
    expect(html).toContain('<th class="text-right">Committed</th>');
    const month = new Date().toISOString().slice(0, 7);
    expect(html).toMatch(new RegExp(`<tr[^>]*><td>${month}</td>(?:(?!</tr>).)*1200\\.00 EUR`));
    if (await bridgeServes('/v1/forecast'))
      expect(html).toMatch(/<td>\d{4}-\d\d<\/td><td class="text-right">[\d.]+ (USD|CAD|EUR|GBP|CHF)<\/td>/);
    else expect(html).toContain('this bridge does not serve a forecast yet');
    expect(html).not.toMatch(/Warning:|Notice:|Deprecated:/);
  });

  it('the cron raises one WHMCS notification per new bridge alert, once, and none when the bridge has no alerts', async () => {
    const localApi = () => world.whmcs.log().filter((e) => e.kind === 'localAPI');
    const before = localApi().length;
    await fetch(`${world.whmcs.url}/harness/cron.php`);
    // The real bridge's alerts: the commitment the ledger cases wrote ends in 20 days.
    expect(localApi().slice(before)).toContainEqual(
      expect.objectContaining({
        command: 'TriggerNotificationEvent',
        values: expect.objectContaining({
          title: 'Commitment ends',
          message: expect.stringMatching(/^"Rack space & power \(renegotiated\)" ends on \d{4}-\d\d-\d\d\.$/),
        }),
      }),
    );
    // The cash floor the settings case set is above every month's p10 net cash in EUR.
    if (((await direct('/v1/forecast/net')) as { revenue: string }).revenue === 'available') {
      expect(localApi().slice(before)).toContainEqual(
        expect.objectContaining({
          values: expect.objectContaining({
            title: 'Cash forecast below threshold',
            message: expect.stringMatching(/EUR.*below the threshold of 100000000\.00/),
          }),
        }),
      );
    }
    const raised = localApi().length;
    await fetch(`${world.whmcs.url}/harness/cron.php`);
    expect(localApi()).toHaveLength(raised);

    // A bridge with alerts, in the shape of the contract (a stable id per event).
    let alerts = [
      {
        id: 'a1',
        kind: 'notice_deadline',
        severity: 'critical',
        date: '2026-12-20',
        daysLeft: 17,
        reason: 'Give notice on <b>Datacenter</b> by 2026-12-20',
      },
      {
        id: 'a2',
        kind: 'renewal',
        severity: 'info',
        date: '2027-01-01',
        daysLeft: 29,
        reason: 'Licence renews for 12 months',
      },
    ];
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: alerts, settings: {} }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const saved = world.whmcs.state().settings;
    try {
      world.whmcs.setState({
        settings: { bridgeUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      });
      const mark = localApi().length;
      await fetch(`${world.whmcs.url}/harness/cron.php`);
      const first = localApi().slice(mark);
      expect(first).toHaveLength(2);
      expect(first[0]).toMatchObject({
        command: 'TriggerNotificationEvent',
        values: {
          notification_identifier: 'commitment_forecaster.alert',
          title: 'Notice deadline coming',
          message: 'Give notice on <b>Datacenter</b> by 2026-12-20',
          statusStyle: 'danger',
        },
      });
      // The next day: the same alerts are not raised again; a new one is.
      await fetch(`${world.whmcs.url}/harness/cron.php`);
      expect(localApi()).toHaveLength(mark + 2);
      alerts = [
        ...alerts,
        {
          id: 'a3',
          kind: 'commitment_end',
          severity: 'warning',
          date: '2027-02-01',
          daysLeft: 60,
          reason: 'Ends',
        },
      ];
      await fetch(`${world.whmcs.url}/harness/cron.php`);
      expect(
        localApi()
          .slice(mark + 2)
          .map((e) => (e.values as { title: string }).title),
      ).toEqual(['Commitment ends']);
    } finally {
      world.whmcs.setState({ settings: saved });
      await new Promise((r) => server.close(r));
    }
  });
});

describe('the bridge token', () => {
  it('appears in no answer, page, widget or header the harness served', () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) expect(text).not.toContain(MODULE_TOKEN);
    expect(world.whmcs.serverOutput()).not.toContain(MODULE_TOKEN);
  });
});
