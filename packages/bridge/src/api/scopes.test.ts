import { afterEach, describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from './scopes.ts';
import {
  ADMIN_TOKEN,
  ALL_TOKEN,
  createHarness,
  errorOf,
  type Harness,
  READ_TOKEN,
  TOKEN,
  WRITE_TOKEN,
} from './testing/harness.ts';

/*
 * Scopes on every route, as a table: for each /v1 route the app has, a token without the scope
 * it needs gets 403 naming that scope, a token with only that scope gets past the check, and a
 * token configured without scopes keeps exactly the rights it had before scopes.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What each route needs. GET routes not listed need `read`; every other route must be listed. */
const EXPECTED: Record<string, Scope> = {
  'GET /v1/sources/:id/check': 'sources:admin',
  'POST /v1/sources/:id/sync': 'sources:admin',
  'PUT /v1/alerts/settings': 'commitments:write',
  'POST /v1/commitments/:id/attachments': 'commitments:write',
  'POST /v1/commitments/csv': 'commitments:write',
  'POST /v1/cost-entries/csv': 'commitments:write',
  'POST /v1/cost-entries/:id/attachments': 'commitments:write',
  'DELETE /v1/attachments/:id': 'commitments:write',
  'POST /v1/sources': 'sources:admin',
  'PATCH /v1/sources/:id': 'sources:admin',
  'DELETE /v1/sources/:id': 'sources:admin',
  'GET /v1/sources/:id/settings': 'sources:admin',
  ...Object.fromEntries(
    ['/v1/counterparties', '/v1/commitments', '/v1/cost-entries'].flatMap((base) =>
      [`POST ${base}`, `PATCH ${base}/:id`, `DELETE ${base}/:id`, `POST ${base}/:id/restore`].map((r) => [
        r,
        'commitments:write' as const,
      ]),
    ),
  ),
};
/** What a token without scopes could do before scopes existed, besides reading. */
const LEGACY: string[] = ['GET /v1/sources/:id/check', 'POST /v1/sources/:id/sync'];

const TOKEN_OF: Record<Scope, string> = {
  read: READ_TOKEN,
  'commitments:write': WRITE_TOKEN,
  'sources:admin': ADMIN_TOKEN,
};

/** A concrete path for a route pattern (ids that exist or not: the scope check comes first). */
const concrete = (pattern: string) =>
  pattern.replace(/:([A-Za-z]+)/g, (_, name) => (name === 'source' ? 'eu' : name === 'id' ? 'eu' : 'x1'));

async function call(method: string, path: string, token: string) {
  const res = await h!.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  });
  const body = res.status === 403 ? await errorOf(res) : undefined;
  return { status: res.status, body };
}

describe('scopes on every route', () => {
  it('each /v1 route: 403 naming its scope without it, past the check with only it, legacy tokens as before', async () => {
    h = await createHarness();
    const routes = [
      ...new Set(
        h.app.routes
          .filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'))
          .map((r) => `${r.method} ${r.path}`),
      ),
    ];
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const needed = EXPECTED[route] ?? (method === 'GET' ? 'read' : undefined);
      expect(needed, `${route} must be in the table: a write route needs an explicit scope`).toBeDefined();
      const path = concrete(pattern);
      for (const scope of SCOPES) {
        const res = await call(method, path, TOKEN_OF[scope]);
        if (scope === needed) {
          expect(res.status, `${route} with ${scope}`).not.toBe(403);
          expect(res.status).not.toBe(401);
        } else {
          expect(res.status, `${route} with ${scope}`).toBe(403);
          expect(res.body?.code).toBe('forbidden');
          expect(res.body?.details).toEqual({ requiredScope: needed, tokenScopes: [scope] });
          expect(res.body?.message).toContain(`"${needed}"`);
        }
      }
      expect((await call(method, path, ALL_TOKEN)).status, `${route} with every scope`).not.toBe(403);
      const legacy = await call(method, path, TOKEN);
      if (needed === 'read' || LEGACY.includes(route)) expect(legacy.status, `${route} legacy`).not.toBe(403);
      else expect(legacy.status, `${route} legacy`).toBe(403);
    }
  });

  it('a write route nobody declared is refused to every token (fails closed)', async () => {
    h = await createHarness();
    const { requiredScope, allowed } = await import('./scopes.ts');
    expect(requiredScope('POST', '/v1/undeclared')).toBeUndefined();
    expect(allowed(['read', 'commitments:write', 'sources:admin'], 'POST', '/v1/undeclared')).toBe(false);
    expect(allowed(null, 'POST', '/v1/undeclared')).toBe(false);
  });

  it('the OpenAPI document names each operation scope and its 403', async () => {
    h = await createHarness();
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security: unknown; responses: Record<string, unknown> }>>;
    };
    expect(doc.paths['/v1/invoices']?.get?.security).toEqual([{ bearerAuth: ['read'] }]);
    expect(doc.paths['/v1/sources/{id}/sync']?.post?.security).toEqual([{ bearerAuth: ['sources:admin'] }]);
    expect(doc.paths['/v1/sources/{id}/check']?.get?.responses['403']).toBeDefined();
  });
});

describe('tokens without scopes', () => {
  it('are warned about at start, with what to add', async () => {
    const { loadConfig } = await import('../config.ts');
    const config = loadConfig({
      fallback: {
        tokens: [
          { name: 'old', token: { env: 'A' } },
          { name: 'new', token: { env: 'B' }, scopes: ['read'] },
        ],
      },
      env: { A: 'a'.repeat(32), B: 'b'.repeat(32), BRIDGE_TOKEN: 'c'.repeat(32) },
    });
    expect(config.tokens.map((t) => t.scopes)).toEqual([undefined, ['read'], undefined]);
    const warned = config.warnings.filter((w) => /has no scopes/.test(w));
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(
      /tokens\[0\] \("old"\).*"scopes": \["read", "commitments:write", "sources:admin"\]/,
    );
    expect(warned[1]).toMatch(/^BRIDGE_TOKEN/);
  });
});
