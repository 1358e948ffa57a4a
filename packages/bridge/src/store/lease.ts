import { hostname } from 'node:os';
import { z } from 'zod';

/*
 * One syncing process per source. A run takes the source's lease in a write transaction and
 * renews it while it works; every page it writes is fenced by it (the store refuses a write
 * from an owner that lost the lease). This is the seam a networked store implements for
 * "one leader per source" across replicas.
 */

export const leaseHolderSchema = z.object({
  /** Random per engine: pids are reused, and one process may hold several engines (tests). */
  owner: z.string().min(1),
  pid: z.number().int(),
  host: z.string(),
  /** What holds it: `serve`, `sync`, ... (shown to whoever waits). */
  purpose: z.string(),
});
export type LeaseHolder = z.infer<typeof leaseHolderSchema>;

export const syncLeaseSchema = leaseHolderSchema.extend({
  sourceId: z.string(),
  acquiredAt: z.string(),
  heartbeatAt: z.string(),
  expiresAt: z.string(),
});
export type SyncLease = z.infer<typeof syncLeaseSchema>;

export type AcquireResult = { acquired: true; lease: SyncLease } | { acquired: false; heldBy: SyncLease };

/** How long a lease lasts without a heartbeat; the holder renews it every third of that. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

/** The lease holder this process presents (one `owner` per engine). */
export function leaseHolder(owner: string, purpose: string): LeaseHolder {
  return { owner, pid: process.pid, host: hostname(), purpose };
}

/**
 * Whether a holder is certainly gone: only decidable for a process on this host. Another
 * host's holder is judged by its lease's expiry alone.
 */
export function holderIsDead(holder: Pick<LeaseHolder, 'pid' | 'host'>): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** "pid 4242 on host-a (sync) since 10:02:03Z" */
export function describeHolder(lease: SyncLease): string {
  return `pid ${lease.pid} on ${lease.host} (${lease.purpose}) since ${lease.acquiredAt}`;
}

/** A `sync_leases` row, as both engines keep it (times in epoch milliseconds). */
export interface LeaseRow {
  source: string;
  owner: string;
  pid: number;
  host: string;
  purpose: string;
  acquired_ms: number;
  heartbeat_ms: number;
  expires_ms: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toLease(row: LeaseRow): SyncLease {
  return {
    sourceId: row.source,
    owner: row.owner,
    pid: row.pid,
    host: row.host,
    purpose: row.purpose,
    acquiredAt: iso(row.acquired_ms),
    heartbeatAt: iso(row.heartbeat_ms),
    expiresAt: iso(row.expires_ms),
  };
}
