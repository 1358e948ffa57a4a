/*
 * 5. Store size: bytes on disk per 100,000 invoices, the SQLite file plus its WAL after a
 * checkpoint, for stores a full sync left behind (real simulator data; since migration 11 the
 * normalized invoice, with the raw WHMCS row derived from it and only its differences kept).
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { SyncOutcome } from './children.ts';
import { type Context, formatNumber, MiB } from './harness.ts';

export const SECTION = '5. Store size';

/** Checkpoints the WAL into the file and answers the file's and the WAL's bytes. */
export function storeBytes(path: string): { file: number; wal: number } {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return { file: size(path), wal: size(`${path}-wal`) };
}

interface StoreParts {
  /** The invoices table and each of its indexes (SQLite's dbstat), with their unused bytes. */
  parts: Array<{ name: string; bytes: number; unused: number }>;
  /** The served JSON's mean length as stored (JSONB) and as text. */
  json: { binary: number; text: number };
}

/** Where an invoice's bytes go in a store. */
export function storeParts(path: string): StoreParts {
  const db = new Database(path, { readonly: true });
  try {
    const parts = db
      .prepare<[], StoreParts['parts'][number]>(
        `SELECT name, sum(pgsize) AS bytes, sum(unused) AS unused FROM dbstat
         WHERE name = 'invoices' OR name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'invoices' AND type = 'index')
         GROUP BY name ORDER BY bytes DESC`,
      )
      .all();
    const json = db
      .prepare<[], StoreParts['json']>(
        'SELECT avg(length(data)) AS binary, avg(length(json(data))) AS text FROM invoices',
      )
      .get()!;
    return { parts, json };
  } finally {
    db.close();
  }
}

export function measureStoreSize(ctx: Context, runs: ReadonlyMap<number, SyncOutcome>): void {
  const { report } = ctx;
  const sizes = [...runs.keys()].sort((a, b) => a - b);
  for (const [slot, n] of [
    ['medium', sizes[1]!],
    ['large', sizes[2]!],
  ] as const) {
    const { file, wal } = storeBytes(runs.get(n)!.storePath);
    report.add({
      key: `store.${slot}`,
      section: SECTION,
      label: `per 100,000 invoices, from a store of ${formatNumber(n)} (file ${(file / MiB).toFixed(1)} MB + WAL ${(wal / MiB).toFixed(1)} MB)`,
      value: (((file + wal) / n) * 100_000) / MiB,
      unit: 'MB',
    });
    report.add({
      key: `store.${slot}.per-invoice`,
      section: SECTION,
      label: `per invoice, from a store of ${formatNumber(n)}`,
      value: (file + wal) / n,
      unit: 'bytes',
      target: { op: '<=', limit: 900 },
    });
  }
  const n = sizes[1]!;
  const { parts, json } = storeParts(runs.get(n)!.storePath);
  const perInvoice = (bytes: number) => Math.round(bytes / n);
  report.add({
    key: 'store.medium.parts',
    section: SECTION,
    label: `of which, per invoice of the store of ${formatNumber(n)}, the invoices table and each index (dbstat): ${parts.map((p) => `${p.name} ${perInvoice(p.bytes)} (unused ${perInvoice(p.unused)})`).join(', ')}; the served JSON ${Math.round(json.binary)} as JSONB (${Math.round(json.text)} as text)`,
    value: parts.reduce((sum, p) => sum + p.bytes, 0) / n,
    unit: 'bytes',
  });
}
