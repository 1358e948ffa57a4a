import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';
import { openApiDocument } from './app.ts';
import { createHarness, type Harness } from './testing/harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const withPing = (ping: () => Promise<boolean>) => (real: Store) =>
  new Proxy(real, {
    get: (target, key, receiver) => (key === 'ping' ? ping : Reflect.get(target, key, receiver)),
  }) as Store;

describe('GET /healthz', () => {
  it('200 {status: ok}', async () => {
    h = await createHarness();
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('200 when the store answers and the configuration can serve', async () => {
    h = await createHarness();
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', reasons: [] });
  });

  it('503 with the reason when store.ping() is false', async () => {
    h = await createHarness({ store: withPing(async () => false) });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      reasons: ['store: the sqlite store does not answer'],
    });
  });

  it('503 when ping throws, without leaking the error (it is logged)', async () => {
    h = await createHarness({
      store: withPing(async () => {
        throw new Error('SQLITE_BUSY at /secret/path.db');
      }),
    });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text).reasons).toEqual(['store: the sqlite store does not answer']);
    expect(h.logs.some((line) => line.includes('SQLITE_BUSY'))).toBe(true);
  });

  it('503 naming the configuration problem when no token or no source is configured', async () => {
    h = await createHarness({ config: { tokens: [], sources: [] } });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(503);
    const { reasons } = await res.json();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^config: no API token/);
    expect(reasons[1]).toBe('config: no source is configured');
  });
});

describe('GET /metrics', () => {
  it('Prometheus text with request counts labelled by route pattern, not raw path', async () => {
    h = await createHarness();
    await h.get('/v1/invoices/eu/17');
    await h.get('/v1/invoices/us/99');
    await h.app.request('/v1/sources');
    await h.get('/v1/no/such/thing');
    const res = await h.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(h.metrics.registry.contentType);
    const text = await res.text();
    expect(text).toContain('# TYPE bridge_http_requests_total counter');
    expect(text).toContain(
      'bridge_http_requests_total{method="GET",route="/v1/invoices/:source/:id",status="404"} 2',
    );
    expect(text).toContain('bridge_http_requests_total{method="GET",route="/v1/sources",status="401"} 1');
    expect(text).toContain('bridge_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(
      /bridge_http_request_duration_seconds_count\{method="GET",route="\/v1\/invoices\/:source\/:id"\} 2/,
    );
    expect(text).not.toContain('/v1/invoices/eu/17');
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with every /v1 path, the bearer scheme and the shared schemas', async () => {
    h = await createHarness();
    const res = await h.app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Forecaster Bridge API', version: '9.9.9' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/docs/setup-guide',
      '/docs/troubleshooting',
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/readyz',
      '/v1/alerts',
      '/v1/alerts/settings',
      '/v1/attachments/{id}',
      '/v1/audit',
      '/v1/calendar',
      '/v1/changes',
      '/v1/commitments',
      '/v1/commitments/csv',
      '/v1/commitments/forecast',
      '/v1/commitments/{id}',
      '/v1/commitments/{id}/attachments',
      '/v1/commitments/{id}/restore',
      '/v1/cost-entries',
      '/v1/cost-entries/csv',
      '/v1/cost-entries/{id}',
      '/v1/cost-entries/{id}/attachments',
      '/v1/cost-entries/{id}/restore',
      '/v1/costs',
      '/v1/counterparties',
      '/v1/counterparties/{id}',
      '/v1/counterparties/{id}/restore',
      '/v1/forecast',
      '/v1/forecast/backtest',
      '/v1/forecast/compare',
      '/v1/forecast/issued',
      '/v1/forecast/issued/{id}',
      '/v1/forecast/net',
      '/v1/invoices',
      '/v1/invoices/{source}/{id}',
      '/v1/ledger/changes',
      '/v1/payment-behaviour',
      '/v1/receivables',
      '/v1/revenue',
      '/v1/revenue/figures',
      '/v1/sources',
      '/v1/sources/{id}',
      '/v1/sources/{id}/check',
      '/v1/sources/{id}/settings',
      '/v1/sources/{id}/sync',
    ]);
    expect(Object.keys(doc.paths['/v1/sources/{id}/sync']).sort()).toEqual(['get', 'post']);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries<Record<string, { security?: unknown }>>(doc.paths)) {
      for (const operation of Object.values(item)) {
        if (path.startsWith('/v1/')) {
          // The scope the operation needs (see scopes.test.ts for which).
          expect(operation.security, path).toEqual([{ bearerAuth: [expect.any(String)] }]);
        } else expect(operation.security, path).toBeUndefined();
      }
    }
    // The invoice is the client's shared schema, as a component.
    const invoice = doc.components.schemas.Invoice;
    expect(invoice.properties.status.enum).toEqual([
      'draft',
      'unpaid',
      'paid',
      'cancelled',
      'refunded',
      'collections',
      'payment_pending',
    ]);
    expect(invoice.properties).toHaveProperty('total');
    expect(invoice.properties).not.toHaveProperty('raw');
    // Query parameters are documented by name.
    const params = doc.paths['/v1/invoices'].get.parameters.map((p: { name: string }) => p.name);
    expect(params.sort()).toEqual(
      [
        'clientId',
        'currency',
        'cursor',
        'dueFrom',
        'dueTo',
        'issuedFrom',
        'issuedTo',
        'limit',
        'paidFrom',
        'paidTo',
        'source',
        'status',
        'updatedSince',
      ].sort(),
    );
    const byName = (name: string) =>
      doc.paths['/v1/invoices'].get.parameters.find((p: { name: string }) => p.name === name).schema;
    expect(byName('limit')).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(byName('status').items.enum).toEqual(invoice.properties.status.enum);
    expect(byName('issuedFrom')).toEqual({ type: 'string', format: 'date' });
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('invalid_request');
  });

  it('openApiDocument() gives the same document without a running bridge', async () => {
    h = await createHarness();
    const served = await (await h.app.request('/openapi.json')).json();
    expect(openApiDocument({ version: '9.9.9' })).toEqual(served);
    expect((openApiDocument().info as { version: string }).version).toBe('0.0.0');
  });
});
