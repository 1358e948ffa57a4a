import type pg from 'pg';
import {
  auditedManagedSource,
  type ManagedAudit,
  type ManagedSourceRow,
  type ManagedSourceStore,
  type ManagedSourceTableRow,
  ManagedVersionMismatch,
  toManagedSource,
} from '../managed-sources.ts';
import { LOCK, lockFor, type Queryable, transaction } from './pool.ts';

/**
 * The {@link ManagedSourceStore} on PostgreSQL: every change runs under the ledger's advisory
 * lock (sources and the audit log change together), so bridges on one database apply one
 * source change at a time, each to the version the last one left.
 */
export function createPostgresManagedSources(pool: pg.Pool, clock: () => Date): ManagedSourceStore {
  const now = () => clock().toISOString();
  const get = async (db: Queryable, id: string) => {
    const { rows } = await db.query<ManagedSourceTableRow>('SELECT * FROM managed_sources WHERE id = $1', [
      id,
    ]);
    return rows[0] && toManagedSource(rows[0]);
  };
  const list = async (db: Queryable) =>
    (await db.query<ManagedSourceTableRow>('SELECT * FROM managed_sources ORDER BY created_at, id')).rows.map(
      toManagedSource,
    );
  const audit = async (
    client: pg.PoolClient,
    who: ManagedAudit,
    id: string,
    before?: ManagedSourceRow,
    after?: ManagedSourceRow,
  ) => {
    const text = (row: ManagedSourceRow | undefined) =>
      row ? JSON.stringify(auditedManagedSource(row)) : null;
    await client.query(
      'INSERT INTO audit_log (at, token, action, resource, resource_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [now(), who.token, who.action, 'source', id, text(before), text(after)],
    );
  };
  const current = async (client: pg.PoolClient, id: string, expected: number) => {
    const row = await get(client, id);
    if (!row) throw new Error(`no managed source ${id}`);
    if (row.version !== expected) throw new ManagedVersionMismatch(row);
    return row;
  };
  const write = async (client: pg.PoolClient, row: ManagedSourceRow, next: Partial<ManagedSourceRow>) => {
    const merged = { ...row, ...next };
    await client.query(
      `UPDATE managed_sources SET version = version + 1, settings = $1, secrets = $2, key_id = $3, disabled = $4,
         archived_at = $5, updated_at = $6 WHERE id = $7 AND version = $8`,
      [
        JSON.stringify(merged.settings),
        merged.sealed,
        merged.keyId,
        merged.disabled,
        merged.archivedAt,
        now(),
        row.id,
        row.version,
      ],
    );
    return (await get(client, row.id))!;
  };
  const locked = <T>(work: (client: pg.PoolClient) => Promise<T>) =>
    transaction(pool, async (client) => {
      await lockFor(client, LOCK.ledger);
      return work(client);
    });

  return {
    list: () => list(pool),
    get: (id) => get(pool, id),
    insert: (row, who, kept) =>
      locked(async (client) => {
        const at = now();
        await client.query(
          `INSERT INTO managed_sources (id, version, settings, secrets, key_id, disabled, created_at, updated_at)
           VALUES ($1, 1, $2, $3, $4, false, $5, $5)`,
          [row.id, JSON.stringify(row.settings), row.sealed, row.keyId, at],
        );
        const made = (await get(client, row.id))!;
        await audit(client, who, row.id, undefined, made);
        if (kept) {
          const answer = kept.answer(made);
          await client.query(
            `INSERT INTO idempotency_keys (token, key, fingerprint, status, answer, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (token, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
               answer = excluded.answer, created_at = excluded.created_at`,
            [kept.token, kept.key, kept.fingerprint, answer.status, JSON.stringify(answer), at],
          );
        }
        return made;
      }),
    update: (id, expected, change, who) =>
      locked(async (client) => {
        const before = await current(client, id, expected);
        const after = await write(client, before, change);
        await audit(client, who, id, before, after);
        return after;
      }),
    archive: (id, expected, who) =>
      locked(async (client) => {
        const before = await current(client, id, expected);
        const after = await write(client, before, {
          sealed: Buffer.alloc(0),
          keyId: '',
          disabled: true,
          archivedAt: now(),
        });
        await audit(client, who, id, before, after);
        return after;
      }),
    remove: (id, expected, who) =>
      locked(async (client) => {
        const before = await current(client, id, expected);
        await client.query('DELETE FROM managed_sources WHERE id = $1 AND version = $2', [id, expected]);
        await audit(client, who, id, before, undefined);
      }),
    reseal: (reseal, who) =>
      locked(async (client) => {
        let count = 0;
        for (const row of await list(client)) {
          if (row.archivedAt) continue;
          await write(client, row, reseal(row));
          count++;
        }
        await client.query(
          'INSERT INTO audit_log (at, token, action, resource, resource_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [now(), who.token, who.action, 'source', '*', null, JSON.stringify({ resealed: count })],
        );
        return count;
      }),
  };
}
