import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';
import { createHarness, errorOf, type Harness, TOKEN } from './testing/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('every answer carries one: success, 400, 401, 404, 405, system routes', async () => {
    h = await createHarness();
    const answers = [
      await h.get('/v1/sources'),
      await h.get('/v1/invoices?limit=0'),
      await h.app.request('/v1/sources'),
      await h.get('/v1/sources/nowhere'),
      await h.get('/v1/not-a-route'),
      await h.app.request('/not-a-route'),
      await h.get('/v1/sources', { method: 'DELETE' }),
      await h.app.request('/healthz'),
      await h.app.request('/metrics'),
    ];
    const ids = answers.map((res) => res.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const res of answers.filter((r) => r.status >= 400)) {
      expect((await errorOf(res)).requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('keeps a sane incoming id and replaces an unsafe or over-long one', async () => {
    h = await createHarness();
    const keep = await h.get('/v1/sources', { headers: { 'X-Request-Id': 'lb-7f3a_22=' } });
    expect(keep.headers.get('x-request-id')).toBe('lb-7f3a_22=');
    for (const bad of ['a b', '<script>', 'x'.repeat(129), 'a"b', 'id;drop']) {
      const res = await h.app.request('/v1/invoices?limit=0', {
        headers: { Authorization: `Bearer ${TOKEN}`, 'X-Request-Id': bad },
      });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect((await errorOf(res)).requestId).toMatch(UUID);
    }
  });
});

describe('errors', () => {
  it('404 not_found for an unknown route, with the envelope', async () => {
    h = await createHarness();
    const res = await h.get('/v1/invoicez');
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error).toEqual({
      code: 'not_found',
      message: 'no route GET /v1/invoicez',
      details: null,
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('405 with Allow for a known path and another method', async () => {
    h = await createHarness();
    const del = await h.get('/v1/invoices', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect((await errorOf(del)).code).toBe('method_not_allowed');
    const put = await h.get('/v1/sources/eu/sync', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect((await h.app.request('/healthz', { method: 'POST' })).status).toBe(405);
  });

  it('a thrown store error is a plain 500 that leaks nothing, logged under the request id', async () => {
    const secret = 'SQLITE_CORRUPT: database disk image is malformed at /var/lib/bridge/secret-path.db';
    h = await createHarness({
      store: (real) =>
        new Proxy(real, {
          get(target, key, receiver) {
            if (key === 'listInvoices' || key === 'listInvoiceJson' || key === 'getSource') {
              return async () => {
                throw new Error(secret);
              };
            }
            // The store's other methods run on the store itself (it keeps private fields).
            const value = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }) as Store,
    });
    for (const path of ['/v1/invoices', '/v1/sources']) {
      const res = await h.get(path);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain('SQLITE');
      expect(text).not.toContain('secret-path');
      expect(text).not.toMatch(/stack|at .*\.ts/);
      const body = JSON.parse(text);
      expect(body).toEqual({
        error: {
          code: 'internal_error',
          message: expect.any(String),
          details: null,
          requestId: res.headers.get('x-request-id'),
        },
      });
      const logged = h.logs
        .map((line) => JSON.parse(line))
        .filter((l) => l.requestId === body.error.requestId);
      expect(logged).toHaveLength(1);
      expect(logged[0].level).toBe(50);
      expect(logged[0].err.message).toBe(secret);
    }
  });

  it('413 payload_too_large for a body over 64 KiB, before the sync is touched', async () => {
    h = await createHarness();
    const body = JSON.stringify({ mode: 'full', pad: 'x'.repeat(70 * 1024) });
    const res = await h.get('/v1/sources/eu/sync', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(h.sync.triggered).toEqual([]);

    // Also when the length is declared up front.
    const declared = await h.get('/v1/sources/eu/sync', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
    });
    expect(declared.status).toBe(413);
  });

  it('414 uri_too_long for a 10 KB URL, before the query is parsed', async () => {
    h = await createHarness();
    // Would be a 400 (unknown parameter) if the query were looked at.
    const res = await h.get(`/v1/invoices?junk=${'a'.repeat(10 * 1024)}`);
    expect(res.status).toBe(414);
    const error = await errorOf(res);
    expect(error.code).toBe('uri_too_long');
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
    // Just under the limit is parsed as usual.
    const near = await h.get(`/v1/invoices?junk=${'a'.repeat(8000)}`);
    expect(near.status).toBe(400);
  });

  it('415 for a sync body that is not JSON; 400 naming body for malformed JSON', async () => {
    h = await createHarness();
    const text = await h.get('/v1/sources/eu/sync', {
      method: 'POST',
      body: 'mode=full',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe('unsupported_media_type');

    const broken = await h.get('/v1/sources/eu/sync', {
      method: 'POST',
      body: '{"mode": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    const error = await errorOf(broken);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^body: /);
    expect(h.sync.triggered).toEqual([]);
  });
});

describe('headers', () => {
  it('secure headers on every answer', async () => {
    h = await createHarness();
    for (const res of [
      await h.get('/v1/sources'),
      await h.app.request('/v1/sources'),
      await h.app.request('/healthz'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('no CORS by default', async () => {
    h = await createHarness();
    const res = await h.get('/v1/sources', { headers: { Origin: 'https://forecaster.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await h.app.request('/v1/sources', {
      method: 'OPTIONS',
      headers: { Origin: 'https://forecaster.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CORS for exactly the configured origins, with preflights that need no token', async () => {
    h = await createHarness({ config: { cors: { origins: ['https://forecaster.example'] } } });
    const res = await h.get('/v1/sources', { headers: { Origin: 'https://forecaster.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://forecaster.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');

    const preflight = await h.app.request('/v1/invoices', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://forecaster.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://forecaster.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');

    const stranger = await h.get('/v1/sources', { headers: { Origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
