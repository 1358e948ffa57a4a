import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { parseRecord, sourceErrorRecordSchema } from './record-schemas.ts';
/*
 * The ban-safety gate: every path that logs in to WHMCS (the scheduler, a manual sync, the
 * API's check, `bridge sync`, `bridge check`) asks it first, in the store, so that processes
 * sharing a data directory share one memory of what WHMCS refused. WHMCS bans an address after
 * three failed logins within 30 minutes; the gate keeps a source to at most one failed login per
 * 15 minutes (so at most two per 30), and never re-sends a credential WHMCS refused until the
 * configuration changes it or a person forces one retry.
 */

/** A source makes at most one failed login per this span, forced or not. */
export const FAILED_LOGIN_SPACING_MS = 15 * 60_000;
/**
 * How long a login with a credential WHMCS has not accepted yet holds the gate. Longer than a
 * WHMCS call can take (the client's timeouts are well under it); a holder that dies frees it then.
 */
export const PROBE_LEASE_MS = 2 * 60_000;

/** Who is asking: the scheduler, a person (API trigger, `bridge sync`), or a check. */
export type LoginPurpose = 'schedule' | 'manual' | 'check';

export interface LoginRequest {
  sourceId: string;
  /** {@link credentialFingerprint} of the source as configured now. */
  fingerprint: string;
  /** A person asked to try a refused credential once more (`--force`, `{"force": true}`). */
  force?: boolean;
  purpose: LoginPurpose;
  /** The time now (default: the store's clock). */
  now?: Date;
}

/** What WHMCS answered when it refused a credential. */
/** What WHMCS said when it refused the credential (the client's error code: `auth_failed`, ...). */
export const loginRefusalSchema = sourceErrorRecordSchema.pick({ code: true, message: true, at: true });
export type LoginRefusal = z.infer<typeof loginRefusalSchema>;

/** Hands a login to one run or check; settle it once the answer is known. */
export interface LoginPermit {
  id: string;
  sourceId: string;
  fingerprint: string;
  /** True when this permit holds the one-at-a-time lease of a credential not yet accepted. */
  probe: boolean;
}

export type LoginDenialCode = 'credential_refused' | 'login_cooldown' | 'login_in_progress';

export interface LoginDenial {
  allowed: false;
  code: LoginDenialCode;
  /** Says why, what lifts it, and the rule. */
  message: string;
  /** When the gate opens by itself (cooldown, in progress); absent for a refused credential. */
  retryAfterMs?: number;
  /** The refusal on record for this credential, if any. */
  refusal?: LoginRefusal;
}

export type LoginDecision = { allowed: true; permit: LoginPermit } | LoginDenial;

/** `accepted`: WHMCS answered past authentication; `refused`: it refused; `unknown`: no answer. */
export type LoginOutcome = 'accepted' | 'refused' | 'unknown';

/** What the gate remembers about one source. */
export interface LoginGateState {
  sourceId: string;
  /** The last credential WHMCS accepted. */
  acceptedFingerprint?: string;
  /** The last credential WHMCS refused, and how. */
  refusedFingerprint?: string;
  refusal?: LoginRefusal;
  /** The last failed login (ISO, UTC): the 15-minute spacing counts from here. */
  lastFailedLoginAt?: string;
  /** A login with a credential not yet accepted, in flight until `until` (ISO, UTC). */
  probe?: { permitId: string; until: string };
}

export interface LoginGate {
  /** Decides, atomically across processes, whether this login may be sent now. */
  acquire(request: LoginRequest): Promise<LoginDecision>;
  /**
   * Records what WHMCS answered. A refusal records the credential as refused and, unless it is
   * a permission refusal (which is no failed login), the time of the failed login.
   */
  settle(
    permit: LoginPermit,
    outcome: LoginOutcome,
    refusal?: { code: string; message: string },
    now?: Date,
  ): Promise<void>;
  /** What the gate holds for a source (for `/v1/sources`). */
  state(sourceId: string): Promise<LoginGateState | undefined>;
}

/** A refusal of a role permission: WHMCS authenticated the credential, so no failed login. */
export function countsAsFailedLogin(code: string): boolean {
  return code !== 'permission_denied';
}

const HOW_TO_RETRY = (sourceId: string) =>
  `fix the source's credentials, accessKey or url (a changed configuration is tried once), or force one retry: ` +
  `\`bridge sync --force -s ${sourceId}\`, \`bridge check --force -s ${sourceId}\`, or ` +
  `POST /v1/sources/${sourceId}/sync {"force": true}`;

const RULE =
  'WHMCS bans this host’s address after three failed logins within 30 minutes, so the bridge makes at most one failed login per source per 15 minutes, whatever is forced';

/**
 * The rule itself, pure: whether `request` may log in given what the gate holds. Callers take
 * the probe lease when the answer is `allowed` and `probe` is true.
 */
export function decideLogin(
  state: LoginGateState | undefined,
  request: LoginRequest,
  nowMs: number,
): { allowed: true; probe: boolean } | LoginDenial {
  const { sourceId, fingerprint } = request;
  if (state?.refusedFingerprint === fingerprint && state.refusal && !request.force) {
    return {
      allowed: false,
      code: 'credential_refused',
      message:
        `WHMCS refused this credential for "${sourceId}" at ${state.refusal.at} (${state.refusal.code}: ${state.refusal.message}); ` +
        `the bridge does not send it again. To try again, ${HOW_TO_RETRY(sourceId)}. ${RULE}.`,
      refusal: state.refusal,
    };
  }
  const lastFailure = state?.lastFailedLoginAt ? Date.parse(state.lastFailedLoginAt) : undefined;
  if (lastFailure !== undefined && nowMs - lastFailure < FAILED_LOGIN_SPACING_MS && nowMs >= lastFailure) {
    const retryAfterMs = lastFailure + FAILED_LOGIN_SPACING_MS - nowMs;
    return {
      allowed: false,
      code: 'login_cooldown',
      message:
        `The last failed login to WHMCS for "${sourceId}" was at ${state!.lastFailedLoginAt}: ${RULE}. ` +
        `The next login may be sent at ${new Date(lastFailure + FAILED_LOGIN_SPACING_MS).toISOString()} (in ${Math.ceil(retryAfterMs / 1000)} s).`,
      retryAfterMs,
      ...(state?.refusal ? { refusal: state.refusal } : {}),
    };
  }
  const probe = state?.acceptedFingerprint !== fingerprint;
  if (probe && state?.probe && Date.parse(state.probe.until) > nowMs) {
    const retryAfterMs = Date.parse(state.probe.until) - nowMs;
    return {
      allowed: false,
      code: 'login_in_progress',
      message:
        `Another run or check is logging in to WHMCS for "${sourceId}" with a credential WHMCS has not accepted yet; ` +
        `until it does, one login is sent at a time (${RULE}). Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      retryAfterMs,
    };
  }
  return { allowed: true, probe };
}

/**
 * What `acquire` does with its state, on either engine: the decision, and the state to write
 * when a login is allowed (`write` absent: nothing changes).
 */
export function admitLogin(
  state: LoginGateState | undefined,
  request: LoginRequest,
  now: Date,
): LoginDenial | { allowed: true; permit: LoginPermit; write?: LoginGateState } {
  const decision = decideLogin(state, request, now.getTime());
  if (!decision.allowed) return decision;
  const permit: LoginPermit = {
    id: randomUUID(),
    sourceId: request.sourceId,
    fingerprint: request.fingerprint,
    probe: decision.probe,
  };
  if (!decision.probe && state) return { allowed: true, permit };
  const write: LoginGateState = { ...(state ?? { sourceId: request.sourceId }) };
  if (decision.probe) {
    write.probe = { permitId: permit.id, until: new Date(now.getTime() + PROBE_LEASE_MS).toISOString() };
  }
  return { allowed: true, permit, write };
}

/** The state after an outcome: what `settle` writes. */
export function afterOutcome(
  state: LoginGateState,
  permit: LoginPermit,
  outcome: LoginOutcome,
  refusal: { code: string; message: string } | undefined,
  at: string,
): LoginGateState {
  const next: LoginGateState = { ...state };
  if (next.probe?.permitId === permit.id) delete next.probe;
  if (outcome === 'accepted') {
    next.acceptedFingerprint = permit.fingerprint;
    if (next.refusedFingerprint === permit.fingerprint) {
      delete next.refusedFingerprint;
      delete next.refusal;
    }
  } else if (outcome === 'refused') {
    const code = refusal?.code ?? 'auth_failed';
    next.refusedFingerprint = permit.fingerprint;
    next.refusal = { code, message: refusal?.message ?? 'refused', at };
    if (next.acceptedFingerprint === permit.fingerprint) delete next.acceptedFingerprint;
    if (countsAsFailedLogin(code)) next.lastFailedLoginAt = at;
  }
  return next;
}

/** A `login_gate` row, as both engines keep it. */
export interface GateRow {
  source_id: string;
  accepted_fingerprint: string | null;
  refused_fingerprint: string | null;
  refusal: string | null;
  last_failed_login_at: string | null;
  probe_permit: string | null;
  probe_until: string | null;
}

export function toGateState(row: GateRow): LoginGateState {
  return {
    sourceId: row.source_id,
    ...(row.accepted_fingerprint ? { acceptedFingerprint: row.accepted_fingerprint } : {}),
    ...(row.refused_fingerprint ? { refusedFingerprint: row.refused_fingerprint } : {}),
    ...(row.refusal ? { refusal: parseRecord(loginRefusalSchema, row.refusal) } : {}),
    ...(row.last_failed_login_at ? { lastFailedLoginAt: row.last_failed_login_at } : {}),
    ...(row.probe_permit && row.probe_until
      ? { probe: { permitId: row.probe_permit, until: row.probe_until } }
      : {}),
  };
}

export function toGateRow(state: LoginGateState): GateRow {
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
