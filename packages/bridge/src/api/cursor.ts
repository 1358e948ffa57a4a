import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InvoiceCursor, InvoiceFilter } from '../store/types.ts';
import { invalidRequest } from './errors.ts';

/*
 * Opaque cursors. Clients must treat them as strings; inside they are base64url JSON (the
 * invoice list's keyset position) or a versioned seq (the changes feed). A cursor names the
 * filters it was issued for, so that one reused with other filters is refused instead of
 * silently skipping or repeating rows.
 */

const toBase64Url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const fromBase64Url = (text: string) => Buffer.from(text, 'base64url').toString('utf8');

/** The filters in a canonical form: the same set in any order or spelling hashes the same. */
export function filterFingerprint(filter: InvoiceFilter): string {
  const canonical = {
    sources: filter.sources ? [...new Set(filter.sources)].sort() : null,
    statuses: filter.statuses ? [...new Set(filter.statuses)].sort() : null,
    currencies: filter.currencies ? [...new Set(filter.currencies)].sort() : null,
    clientId: filter.clientId ?? null,
    issuedFrom: filter.issuedFrom ?? null,
    issuedTo: filter.issuedTo ?? null,
    dueFrom: filter.dueFrom ?? null,
    dueTo: filter.dueTo ?? null,
    paidFrom: filter.paidFrom ?? null,
    paidTo: filter.paidTo ?? null,
    changedSinceSeq: filter.changedSinceSeq ?? null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16);
}

const invoiceCursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.string().min(1).max(63),
  i: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  f: z.string().min(1).max(64),
});

export function encodeInvoiceCursor(position: InvoiceCursor, fingerprint: string): string {
  return toBase64Url(JSON.stringify({ v: 1, s: position.source, i: position.id, f: fingerprint }));
}

/** The keyset position in a `cursor`; a 400 when it is not ours or was issued for other filters. */
export function decodeInvoiceCursor(cursor: string, fingerprint: string): InvoiceCursor {
  let decoded: z.infer<typeof invoiceCursorSchema>;
  try {
    decoded = invoiceCursorSchema.parse(JSON.parse(fromBase64Url(cursor)));
  } catch {
    throw invalidRequest([{ param: 'cursor', message: 'is not a cursor this API issued' }]);
  }
  if (decoded.f !== fingerprint) {
    throw invalidRequest([
      {
        param: 'cursor',
        message:
          'was issued for other filters: repeat the same filters with it, or start again without cursor',
      },
    ]);
  }
  return { source: decoded.s, id: decoded.i };
}

const CHANGES_PREFIX = 'chg1.';

/** A position in the changes feed. Versioned, so that its form can change without breaking pollers. */
export function encodeChangesCursor(seq: number): string {
  return toBase64Url(`${CHANGES_PREFIX}${seq}`);
}

/** The seq in a changes cursor; a 400 naming `param` when it is not one. */
export function decodeChangesCursor(cursor: string, param: string): number {
  const text = fromBase64Url(cursor);
  const match = /^chg1\.(0|[1-9]\d{0,15})$/.exec(text);
  const seq = match ? Number(match[1]) : Number.NaN;
  // Round trip: base64url decoding ignores stray characters; only our own encoding is accepted.
  if (!Number.isSafeInteger(seq) || encodeChangesCursor(seq) !== cursor) {
    throw invalidRequest([{ param, message: 'is not a changes cursor this API issued' }]);
  }
  return seq;
}
