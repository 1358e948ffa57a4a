import type pg from 'pg';
import {
  admitLogin,
  afterOutcome,
  type GateRow,
  type LoginGate,
  type LoginGateState,
  toGateRow,
  toGateState,
} from '../login-gate.ts';
import { LOCK, lockFor, type Queryable, transaction } from './pool.ts';

/**
 * The {@link LoginGate} on PostgreSQL: each decision reads and writes its source's row under
 * the source's advisory transaction lock, so two bridges on one database cannot both take the
 * last login WHMCS allows (the ban-safety record is shared by every bridge).
 */
export function createPostgresLoginGate(pool: pg.Pool, clock: () => Date): LoginGate {
  const read = async (db: Queryable, sourceId: string) => {
    const { rows } = await db.query<GateRow>('SELECT * FROM login_gate WHERE source_id = $1', [sourceId]);
    return rows[0] ? toGateState(rows[0]) : undefined;
  };
  const put = async (client: pg.PoolClient, state: LoginGateState) => {
    const r = toGateRow(state);
    await client.query(
      `INSERT INTO login_gate (source_id, accepted_fingerprint, refused_fingerprint, refusal, last_failed_login_at, probe_permit, probe_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (source_id) DO UPDATE SET
         accepted_fingerprint = excluded.accepted_fingerprint, refused_fingerprint = excluded.refused_fingerprint,
         refusal = excluded.refusal, last_failed_login_at = excluded.last_failed_login_at,
         probe_permit = excluded.probe_permit, probe_until = excluded.probe_until`,
      [
        r.source_id,
        r.accepted_fingerprint,
        r.refused_fingerprint,
        r.refusal,
        r.last_failed_login_at,
        r.probe_permit,
        r.probe_until,
      ],
    );
  };
  return {
    acquire: (request) =>
      transaction(pool, async (client) => {
        await lockFor(client, LOCK.loginGate, request.sourceId);
        const admitted = admitLogin(await read(client, request.sourceId), request, request.now ?? clock());
        if (!admitted.allowed) return admitted;
        if (admitted.write) await put(client, admitted.write);
        return { allowed: true, permit: admitted.permit };
      }),
    settle: (permit, outcome, refusal, now) =>
      transaction(pool, async (client) => {
        await lockFor(client, LOCK.loginGate, permit.sourceId);
        const state = (await read(client, permit.sourceId)) ?? { sourceId: permit.sourceId };
        await put(client, afterOutcome(state, permit, outcome, refusal, (now ?? clock()).toISOString()));
      }),
    state: (sourceId) => read(pool, sourceId),
  };
}
