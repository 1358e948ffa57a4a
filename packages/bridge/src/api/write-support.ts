import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type LedgerRecord, type LedgerTx, type StoredAnswer, VersionMismatch } from '../store/ledger.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { errorContent } from './error-schema.ts';
import { ApiError } from './errors.ts';

/*
 * What every write shares (issue 14): Idempotency-Key on POST, If-Match on PATCH and DELETE,
 * and one write transaction that holds the change, its audit entry and the stored answer.
 */

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The ETag of a record version. */
export const etagOf = (version: number) => `"${version}"`;

/** The version an `If-Match` header names; 428 without one (a write must say what it saw). */
export function expectedVersion(c: Context<AppEnv>): number {
  const header = c.req.header('If-Match');
  if (header === undefined) {
    throw new ApiError(
      'precondition_required',
      'send If-Match with the ETag of the version you read: changes are never applied blind',
    );
  }
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw new ApiError('precondition_failed', 'If-Match must be the ETag the API sent, e.g. "3"');
  }
  return Number(match[1]);
}

/** A POST's `Idempotency-Key`, checked (400 when malformed), or undefined. */
export function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.method === 'POST' ? c.req.header('Idempotency-Key') : undefined;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError('invalid_request', 'Idempotency-Key: 1 to 255 printable characters without spaces', [
      { param: 'Idempotency-Key', message: '1 to 255 printable characters without spaces' },
    ]);
  }
  return key;
}

/** A repeated key with another request: refused, so a new request is never answered an old result. */
export function idempotencyConflict(): ApiError {
  return new ApiError(
    'idempotency_conflict',
    'this Idempotency-Key was used for another request: use a new key for a new request',
  );
}

export interface WriteAnswer {
  status: ContentfulStatusCode;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Runs a write in one transaction and answers it. A POST with an `Idempotency-Key` that was seen
 * before answers the first answer again (`Idempotent-Replayed: true`), and a reused key with
 * another request is refused; a record changed since the client read it answers 412 with its
 * current ETag. Failures are not stored: retrying them runs them again.
 */
export async function runWrite(
  c: Context<AppEnv>,
  deps: AppDeps,
  input: unknown,
  work: (tx: LedgerTx) => WriteAnswer,
): Promise<Response> {
  const token = c.get('tokenName');
  const key = idempotencyKeyOf(c);
  const fingerprint = createHash('sha256')
    .update(`${c.req.method} ${c.req.path}\n${JSON.stringify(input ?? null)}`)
    .digest('hex');
  let replayed = false;
  let answer: StoredAnswer;
  try {
    answer = await deps.store.ledger.transact((tx) => {
      if (key !== undefined) {
        const prior = tx.answer(token, key);
        if (prior) {
          if (prior.fingerprint !== fingerprint) throw idempotencyConflict();
          replayed = true;
          return prior.answer;
        }
      }
      const result = work(tx);
      const stored: StoredAnswer = {
        status: result.status,
        body: result.body,
        headers: result.headers ?? {},
      };
      if (key !== undefined) tx.saveAnswer(token, key, fingerprint, stored);
      return stored;
    });
  } catch (err) {
    if (err instanceof VersionMismatch) throw stale(err.current);
    throw err;
  }
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  if (replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(answer.body as object, answer.status as ContentfulStatusCode);
}

/** 412 for a write based on an old version, with the current one's ETag. */
export function stale(current: LedgerRecord): ApiError {
  return new ApiError(
    'precondition_failed',
    `it changed since you read it: it is at version ${current.version}; read it again and retry`,
    { currentVersion: current.version },
    { ETag: etagOf(current.version) },
  );
}

/** The error responses of a write route, for the OpenAPI document. */
export const writeErrorResponses = {
  409: { description: 'The change conflicts with the data (`conflict`)', content: errorContent },
  412: {
    description: 'If-Match names another version than the current one (`precondition_failed`)',
    content: errorContent,
  },
  422: {
    description: 'The Idempotency-Key was used for another request (`idempotency_conflict`)',
    content: errorContent,
  },
  428: { description: 'If-Match is missing (`precondition_required`)', content: errorContent },
} as const;
