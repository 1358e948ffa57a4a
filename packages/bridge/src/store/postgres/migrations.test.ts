import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { MIGRATIONS } from '../migrations.ts';
import { createDatabase } from '../testing/postgres-server.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { openPostgresStore } from './store.ts';

describe('the PostgreSQL schema history', () => {
  it('is the SQLite history step for step: the same versions and names', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(
      MIGRATIONS.map((m) => [m.version, m.name]),
    );
  });

  it('is applied once when several bridges start together on a new database', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url, poolSize: 2 })));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      expect(stores.map((s) => s.schemaVersion)).toEqual(Array(4).fill(POSTGRES_MIGRATIONS.at(-1)!.version));
    } finally {
      await client.end();
      for (const s of stores) await s.close();
    }
  });

  it('refuses a database a newer release has migrated, and leaves it alone', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    await (await openPostgresStore({ url })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')",
      );
      const refused = await openPostgresStore({ url }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(StoreError);
      expect(refused).toMatchObject({ code: 'schema_too_new' });
      const { rows } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0].n).toBe(POSTGRES_MIGRATIONS.length + 1);
    } finally {
      await client.end();
    }
  });
});
