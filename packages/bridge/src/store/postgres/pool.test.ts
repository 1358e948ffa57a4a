import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../testing/postgres-server.ts';
import { createPool } from './pool.ts';

describe('the PostgreSQL pool', () => {
  it('turns JIT compiling off on every connection it opens, before their first query', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const pool = createPool({ url, poolSize: 3 });
    try {
      // Three connections at once: each is a new one, and each answers its own first query.
      const clients = await Promise.all([0, 1, 2].map(() => pool.connect()));
      try {
        const answers = await Promise.all(clients.map((c) => c.query<{ jit: string }>('SHOW jit')));
        expect(answers.map((a) => a.rows[0]?.jit)).toEqual(['off', 'off', 'off']);
      } finally {
        for (const c of clients) c.release();
      }
      expect((await pool.query<{ jit: string }>('SHOW jit')).rows[0]?.jit).toBe('off');
    } finally {
      await pool.end();
    }
  });
});
