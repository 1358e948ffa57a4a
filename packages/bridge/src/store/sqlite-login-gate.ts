import { randomUUID } from 'node:crypto';
import type { Database as Db } from 'better-sqlite3';
import {
  afterOutcome,
  decideLogin,
  type LoginDecision,
  type LoginGate,
  type LoginGateState,
  type LoginOutcome,
  type LoginPermit,
  type LoginRefusal,
  type LoginRequest,
  PROBE_LEASE_MS,
} from './login-gate.ts';

interface GateRow {
  source_id: string;
  accepted_fingerprint: string | null;
  refused_fingerprint: string | null;
  refusal: string | null;
  last_failed_login_at: string | null;
  probe_permit: string | null;
  probe_until: string | null;
}

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
    return row ? toState(row) : undefined;
  };

  const acquire = db.transaction((request: LoginRequest): LoginDecision => {
    const now = request.now ?? clock();
    const state = read(request.sourceId);
    const decision = decideLogin(state, request, now.getTime());
    if (!decision.allowed) return decision;
    const permit: LoginPermit = {
      id: randomUUID(),
      sourceId: request.sourceId,
      fingerprint: request.fingerprint,
      probe: decision.probe,
    };
    if (decision.probe || !state) {
      put.run(
        toRow({
          ...(state ?? { sourceId: request.sourceId }),
          ...(decision.probe
            ? {
                probe: { permitId: permit.id, until: new Date(now.getTime() + PROBE_LEASE_MS).toISOString() },
              }
            : {}),
        }),
      );
    }
    return { allowed: true, permit };
  });

  const settle = db.transaction(
    (
      permit: LoginPermit,
      outcome: LoginOutcome,
      refusal: { code: string; message: string } | undefined,
      at: Date,
    ) => {
      const state = read(permit.sourceId) ?? { sourceId: permit.sourceId };
      put.run(toRow(afterOutcome(state, permit, outcome, refusal, at.toISOString())));
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

function toState(row: GateRow): LoginGateState {
  return {
    sourceId: row.source_id,
    ...(row.accepted_fingerprint ? { acceptedFingerprint: row.accepted_fingerprint } : {}),
    ...(row.refused_fingerprint ? { refusedFingerprint: row.refused_fingerprint } : {}),
    ...(row.refusal ? { refusal: JSON.parse(row.refusal) as LoginRefusal } : {}),
    ...(row.last_failed_login_at ? { lastFailedLoginAt: row.last_failed_login_at } : {}),
    ...(row.probe_permit && row.probe_until
      ? { probe: { permitId: row.probe_permit, until: row.probe_until } }
      : {}),
  };
}

function toRow(state: LoginGateState): GateRow {
  return {
    source_id: state.sourceId,
    accepted_fingerprint: state.acceptedFingerprint ?? null,
    refused_fingerprint: state.refusedFingerprint ?? null,
    refusal: state.refusal ? JSON.stringify(state.refusal) : null,
    last_failed_login_at: state.lastFailedLoginAt ?? null,
    probe_permit: state.probe?.permitId ?? null,
    probe_until: state.probe?.until ?? null,
  };
}
