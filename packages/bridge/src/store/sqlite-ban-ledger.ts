import type { Database as Db } from 'better-sqlite3';
import type { BanLedger, BanRule } from './ban-ledger.ts';

/** Addresses tracked at most: a flood of addresses cannot grow the store without bound. */
const MAX_TRACKED = 10_000;

/** The {@link BanLedger} on SQLite: each failure is counted and judged in one write transaction. */
export function createSqliteBanLedger(db: Db, maxTracked = MAX_TRACKED): BanLedger {
  const bannedUntil = db.prepare<[string], number>('SELECT until FROM facade_bans WHERE ip = ?').pluck();
  const forget = db.prepare<[number]>('DELETE FROM facade_failures WHERE at <= ?');
  const insert = db.prepare<[string, number]>('INSERT INTO facade_failures (ip, at) VALUES (?, ?)');
  const count = db
    .prepare<[string, number], number>('SELECT count(*) FROM facade_failures WHERE ip = ? AND at > ?')
    .pluck();
  const clear = db.prepare<[string]>('DELETE FROM facade_failures WHERE ip = ?');
  const ban = db.prepare<[string, number]>(
    'INSERT INTO facade_bans (ip, until) VALUES (?, ?) ON CONFLICT (ip) DO UPDATE SET until = excluded.until',
  );
  const unban = db.prepare<[number]>('DELETE FROM facade_bans WHERE until <= ?');
  const tracked = db.prepare<[], number>('SELECT count(*) FROM facade_failures').pluck();
  const dropOldest = db.prepare<[number]>(
    'DELETE FROM facade_failures WHERE rowid IN (SELECT rowid FROM facade_failures ORDER BY at LIMIT ?)',
  );

  const record = db.transaction((ip: string, nowMs: number, rule: BanRule): boolean => {
    forget.run(nowMs - rule.windowMs);
    unban.run(nowMs);
    insert.run(ip, nowMs);
    if (count.get(ip, nowMs - rule.windowMs)! >= rule.threshold) {
      clear.run(ip);
      ban.run(ip, nowMs + rule.durationMs);
      return true;
    }
    const excess = tracked.get()! - maxTracked;
    if (excess > 0) dropOldest.run(excess);
    return false;
  });

  return {
    async isBanned(ip, nowMs) {
      const until = bannedUntil.get(ip);
      return until !== undefined && nowMs < until;
    },
    async recordFailure(ip, nowMs, rule) {
      return record.immediate(ip, nowMs, rule);
    },
  };
}
