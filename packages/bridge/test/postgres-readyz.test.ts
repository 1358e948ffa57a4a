import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/store/testing/postgres-server.ts';
import { configFor, simSource, TOKEN } from './harness.ts';
import { openBridge } from './reliability-support.ts';

const AUTH = { Authorization: `Bearer ${TOKEN}` };

describe('a bridge on PostgreSQL that loses its database', () => {
  it('stops answering ready, and answers no invoice rather than a stale one', async () => {
    const server = await startPostgres();
    try {
      const eu = await simSource('eu', { invoices: 120, seed: 3 });
      const { file, env } = configFor([eu]);
      file.store = { kind: 'postgres', url: { env: 'DATABASE_URL' } };
      const bridge = await openBridge(file, { ...env, DATABASE_URL: server.url });
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
      const gone = await bridge.app.request('/v1/invoices?limit=5', { headers: AUTH });
      expect(gone.status).toBeGreaterThanOrEqual(500);
      const body = (await gone.json()) as Record<string, unknown>;
      expect(body.data).toBeUndefined();
      expect(body.error).toBeDefined();
    } finally {
      await server.stop();
    }
  });
});
