import type { Database as Db } from 'better-sqlite3';
import {
  admitLogin,
  afterOutcome,
  type GateRow,
  type LoginDecision,
  type LoginGate,
  type LoginOutcome,
  type LoginPermit,
  type LoginRequest,
  toGateRow,
  toGateState,
} from './login-gate.ts';

/**
 * The {@link LoginGate} on SQLite: each decision reads and writes its row inside one IMMEDIATE
 * transaction, so two processes on one data directory cannot both take the last login.
 */
export function createSqliteLoginGate(db: Db, clock: () => Date): LoginGate {
  const get = db.prepare<[string], GateRow>('SELECT * FROM login_gate WHERE source_id = ?');
  const put = db.prepare<[GateRow]>(
    `INSERT INTO login_gate (source_id, accepted_fingerprint, refused_fingerprint, refusal, last_failed_login_at, probe_permit, probe_until)
     VALUES (@source_id, @accepted_fingerprint, @refused_fingerprint, @refusal, @last_failed_login_at, @probe_permit, @probe_until)
     ON CONFLICT (source_id) DO UPDATE SET
       accepted_fingerprint = excluded.accepted_fingerprint, refused_fingerprint = excluded.refused_fingerprint,
       refusal = excluded.refusal, last_failed_login_at = excluded.last_failed_login_at,
       probe_permit = excluded.probe_permit, probe_until = excluded.probe_until`,
  );
  const read = (sourceId: string) => {
    const row = get.get(sourceId);
    return row ? toGateState(row) : undefined;
  };

  const acquire = db.transaction((request: LoginRequest): LoginDecision => {
    const admitted = admitLogin(read(request.sourceId), request, request.now ?? clock());
    if (!admitted.allowed) return admitted;
    if (admitted.write) put.run(toGateRow(admitted.write));
    return { allowed: true, permit: admitted.permit };
  });

  const settle = db.transaction(
    (
      permit: LoginPermit,
      outcome: LoginOutcome,
      refusal: { code: string; message: string } | undefined,
      at: Date,
    ) => {
      const state = read(permit.sourceId) ?? { sourceId: permit.sourceId };
      put.run(toGateRow(afterOutcome(state, permit, outcome, refusal, at.toISOString())));
    },
  );

  return {
    async acquire(request) {
      return acquire.immediate(request);
    },
    async settle(permit, outcome, refusal, now) {
      settle.immediate(permit, outcome, refusal, now ?? clock());
    },
    async state(sourceId) {
      return read(sourceId);
    },
  };
}
