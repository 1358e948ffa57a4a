import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/store/testing/postgres-server.ts';
import { configFor, simSource, TOKEN } from './harness.ts';
import { openBridge } from './reliability-support.ts';

const AUTH = { Authorization: `Bearer ${TOKEN}` };
const WRITER = 'postgres-readyz-writer-token-0123456789abc';

describe('a bridge on PostgreSQL that loses its database', () => {
  it('stops answering ready, and answers no invoice rather than a stale one', async () => {
    const server = await startPostgres();
    try {
      const eu = await simSource('eu', { invoices: 120, seed: 3 });
      const { file, env } = configFor([eu]);
      file.store = { kind: 'postgres', url: { env: 'DATABASE_URL' } };
      file.tokens = [
        { name: 'writer', token: { env: 'WRITER_TOKEN' }, scopes: ['read', 'commitments:write'] },
      ];
      const bridge = await openBridge(file, { ...env, DATABASE_URL: server.url, WRITER_TOKEN: WRITER });
      expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
      expect((await bridge.app.request('/readyz')).status).toBe(200);
      const listed = await bridge.app.request('/v1/invoices?limit=5', { headers: AUTH });
      expect(listed.status).toBe(200);

      await server.stop();
      const ready = await bridge.app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
        'store: the postgres store does not answer',
      );
      // A read and a write while the database is gone: 503 store_unavailable (a state to wait
      // out), never a 500 internal_error, never data.
      const gone = await bridge.app.request('/v1/invoices?limit=5', { headers: AUTH });
      const write = await bridge.app.request('/v1/counterparties', {
        method: 'POST',
        headers: { Authorization: `Bearer ${WRITER}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Rack & Power GmbH' }),
      });
      for (const answer of [gone, write]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        const body = (await answer.json()) as { data?: unknown; error: { code: string; message: string } };
        expect(body.data).toBeUndefined();
        expect(body.error.code).toBe('store_unavailable');
        expect(body.error.message).toContain('the database does not answer');
        expect(body.error.message).not.toContain(server.url);
      }
    } finally {
      await server.stop();
    }
  });
});
