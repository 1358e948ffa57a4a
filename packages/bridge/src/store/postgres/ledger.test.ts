import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { VersionMismatch } from '../ledger.ts';
import { createDatabase } from '../testing/postgres-server.ts';
import { openPostgresStore } from './store.ts';

const clock = () => new Date('2024-06-15T12:00:00Z');

describe('the ledger on PostgreSQL', () => {
  it('keeps the audit log append-only, rolls back a failed transaction, and checks versions', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const store = await openPostgresStore({ url, clock });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { ledger } = store;
      await ledger.transact((tx) => tx.insert('counterparty', 'cp_0123456789', { name: 'A' }, 'writer'));
      await expect(client.query("UPDATE audit_log SET token = 'someone else'")).rejects.toThrow(
        /append-only/,
      );
      await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await expect(
        ledger.transact((tx) => {
          tx.insert('counterparty', 'cp_9999999999', { name: 'B' }, 'writer');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await ledger.audit(0, 10)).map((e) => e.action)).toEqual(['create']);
      expect((await ledger.changes(0, 10)).map((c) => c.record.id)).toEqual(['cp_0123456789']);
      await expect(
        ledger.transact((tx) => tx.update('counterparty', 'cp_0123456789', 7, { name: 'C' }, 'writer')),
      ).rejects.toBeInstanceOf(VersionMismatch);
      const updated = await ledger.transact((tx) =>
        tx.update('counterparty', 'cp_0123456789', 1, { name: 'C' }, 'writer'),
      );
      expect(updated).toMatchObject({ version: 2, data: { name: 'C' }, seq: 2 });
      await ledger.transact((tx) => {
        tx.saveAnswer('writer', 'key-1', 'f', { status: 201, body: { ok: true }, headers: {} });
        tx.putSetting('currency', 'EUR');
      });
      expect(await ledger.read((tx) => [tx.answer('writer', 'key-1'), tx.getSetting('currency')])).toEqual([
        { fingerprint: 'f', answer: { status: 201, body: { ok: true }, headers: {} } },
        'EUR',
      ]);
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('serializes writes from several bridges: each change is applied to the version the other left', async () => {
    const url = await createDatabase(inject('postgresUrl'));
    const bridges = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url, clock, poolSize: 2 })));
    try {
      await bridges[0]!.ledger.transact((tx) => tx.insert('counterparty', 'cp_0123456789', { n: 0 }, 'w'));
      // Each bridge adds one to the counter ten times, reading the version it changes.
      await Promise.all(
        bridges.map(async (bridge) => {
          for (let i = 0; i < 10; i++) {
            await bridge.ledger.transact((tx) => {
              const current = tx.get('counterparty', 'cp_0123456789')!;
              return tx.update(
                'counterparty',
                'cp_0123456789',
                current.version,
                { n: (current.data.n as number) + 1 },
                'w',
              );
            });
          }
        }),
      );
      const final = await bridges[1]!.ledger.read((tx) => tx.get('counterparty', 'cp_0123456789'));
      expect(final).toMatchObject({ version: 31, data: { n: 30 } });
      expect((await bridges[2]!.ledger.changes(0, 100)).map((c) => c.seq)).toEqual([31]);
    } finally {
      for (const b of bridges) await b.close();
    }
  });
});
