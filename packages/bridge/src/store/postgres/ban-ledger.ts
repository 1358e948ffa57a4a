import type pg from 'pg';
import type { BanLedger } from '../ban-ledger.ts';
import { LOCK, lockFor, transaction } from './pool.ts';

/** Addresses tracked at most: a flood of addresses cannot grow the store without bound. */
const MAX_TRACKED = 10_000;

/**
 * The facade's {@link BanLedger} on PostgreSQL, shared by every bridge on the database: a
 * caller spreading failed logins over several bridges behind a load balancer is counted once.
 * Each failure is counted and judged under one advisory transaction lock.
 */
export function createPostgresBanLedger(pool: pg.Pool, maxTracked = MAX_TRACKED): BanLedger {
  return {
    async isBanned(ip, nowMs) {
      const { rows } = await pool.query<{ until: number }>('SELECT until FROM facade_bans WHERE ip = $1', [
        ip,
      ]);
      return rows[0] !== undefined && nowMs < rows[0].until;
    },
    recordFailure: (ip, nowMs, rule) =>
      transaction(pool, async (client) => {
        await lockFor(client, LOCK.facadeBans);
        await client.query('DELETE FROM facade_failures WHERE at <= $1', [nowMs - rule.windowMs]);
        await client.query('DELETE FROM facade_bans WHERE until <= $1', [nowMs]);
        await client.query('INSERT INTO facade_failures (ip, at) VALUES ($1, $2)', [ip, nowMs]);
        const { rows } = await client.query<{ n: number }>(
          'SELECT count(*) AS n FROM facade_failures WHERE ip = $1 AND at > $2',
          [ip, nowMs - rule.windowMs],
        );
        if (rows[0]!.n >= rule.threshold) {
          await client.query('DELETE FROM facade_failures WHERE ip = $1', [ip]);
          await client.query(
            'INSERT INTO facade_bans (ip, until) VALUES ($1, $2) ON CONFLICT (ip) DO UPDATE SET until = excluded.until',
            [ip, nowMs + rule.durationMs],
          );
          return true;
        }
        await client.query(
          `DELETE FROM facade_failures WHERE n IN (
             SELECT n FROM facade_failures ORDER BY at, n
             LIMIT greatest(0, (SELECT count(*) FROM facade_failures) - $1))`,
          [maxTracked],
        );
        return false;
      }),
  };
}
