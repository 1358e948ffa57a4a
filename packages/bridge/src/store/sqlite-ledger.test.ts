import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrations.ts';
import { SqliteLedger } from './sqlite-ledger.ts';

describe('SqliteLedger', () => {
  it('keeps the audit log append-only: the database refuses to change or remove an entry', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const ledger = new SqliteLedger(db, () => new Date('2024-06-15T12:00:00Z'));
    await ledger.transact((tx) => tx.insert('counterparty', 'cp_0123456789', { name: 'A' }, 'writer'));
    expect((await ledger.audit(0, 10)).map((e) => e.action)).toEqual(['create']);
    expect(() => db.prepare("UPDATE audit_log SET token = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(await ledger.audit(0, 10)).toHaveLength(1);
  });

  it('rolls back a transaction that throws: no record, no audit entry, no feed position', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const ledger = new SqliteLedger(db, () => new Date('2024-06-15T12:00:00Z'));
    await expect(
      ledger.transact((tx) => {
        tx.insert('counterparty', 'cp_0123456789', { name: 'A' }, 'writer');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ledger.audit(0, 10)).toEqual([]);
    expect(await ledger.changes(0, 10)).toEqual([]);
    await ledger.transact((tx) => tx.insert('counterparty', 'cp_0123456789', { name: 'A' }, 'writer'));
    expect((await ledger.changes(0, 10)).map((c) => c.seq)).toEqual([1]);
  });
});
