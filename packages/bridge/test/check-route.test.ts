import { describe, expect, it } from 'vitest';
import { bridgeFor, simSource, TOKEN } from './harness.ts';

const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
type Result = {
  data: { ok: boolean; stages: Array<{ id: string; status: string; code?: string; docsUrl?: string }> };
  cached: boolean;
};

describe('GET /v1/sources/{id}/check', () => {
  it('answers the checklist, with the failing stage, its code and its docs link', async () => {
    const eu = await simSource('eu', { invoices: 20 });
    const bridge = await bridgeFor([{ ...eu, secret: `${eu.secret}x` }]);
    const res = await bridge.app.request('/v1/sources/eu/check', auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Result;
    expect(body.data.ok).toBe(false);
    expect(body.cached).toBe(false);
    const failed = body.data.stages.find((s) => s.status === 'failed');
    expect(failed).toMatchObject({ id: 'credentials', code: 'auth_failed' });
    expect(failed?.docsUrl).toMatch(/troubleshooting#auth_failed$/);
    expect(JSON.stringify(body)).not.toContain(eu.secret);
  });

  it('is ban-safe: a second request within the minute answers the same report without calling WHMCS', async () => {
    const eu = await simSource('eu', { invoices: 20 });
    const bridge = await bridgeFor([{ ...eu, secret: `${eu.secret}x` }]);
    const [a, b] = await Promise.all([
      bridge.app.request('/v1/sources/eu/check', auth),
      bridge.app.request('/v1/sources/eu/check', auth),
    ]);
    const c = (await (await bridge.app.request('/v1/sources/eu/check', auth)).json()) as Result;
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(c.cached).toBe(true);
    expect(eu.served.sim.requests).toHaveLength(1);
    expect(eu.served.sim.banned()).toEqual([]);
  });

  it('a good setup passes with one GetInvoices call and one GetInvoice probe', async () => {
    const eu = await simSource('eu', { invoices: 20 });
    const bridge = await bridgeFor([eu]);
    const body = (await (await bridge.app.request('/v1/sources/eu/check', auth)).json()) as Result;
    expect(body.data.ok).toBe(true);
    expect(eu.served.sim.requests.map((r) => r.action)).toEqual(['getinvoices', 'getinvoice']);
  });

  it('needs a token, and 404s an unknown source', async () => {
    const eu = await simSource('eu', { invoices: 1 });
    const bridge = await bridgeFor([eu]);
    expect((await bridge.app.request('/v1/sources/eu/check')).status).toBe(401);
    expect((await bridge.app.request('/v1/sources/nope/check', auth)).status).toBe(404);
    expect(eu.served.sim.requests).toHaveLength(0);
  });
});
