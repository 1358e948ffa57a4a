import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from './postgres-server.ts';

describe('the test run’s PostgreSQL server', () => {
  it('is a real PostgreSQL 15 or newer on loopback, with a fresh database per caller', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string; tables: string }>(
        "SELECT current_setting('server_version_num') AS v, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables",
      );
      expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(150000);
      expect(Number(rows[0]!.tables)).toBe(0);
    } finally {
      await client.end();
    }
  });
});
