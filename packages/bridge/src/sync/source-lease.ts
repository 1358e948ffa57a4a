import { randomUUID } from 'node:crypto';
import {
  type AcquireResult,
  DEFAULT_LEASE_TTL_MS,
  describeHolder,
  holderIsDead,
  leaseHolder,
  type SyncLease,
} from '../store/lease.ts';
import type { Store } from '../store/types.ts';

/** Another process syncs the source: this run did not start. */
export class SourceBusyError extends Error {
  override readonly name = 'SourceBusyError';
  readonly code = 'source_busy';

  constructor(
    readonly sourceId: string,
    readonly heldBy: SyncLease,
  ) {
    super(
      `source "${sourceId}" is being synced by another bridge process (${describeHolder(heldBy)}); ` +
        'this run did not start. Wait for it to finish, or stop that process.',
    );
  }
}

/** The run's lease was taken over (it stalled past its expiry): it stopped writing. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'lease_lost';
}

export interface HeldLease {
  /** The owner to fence every write with. */
  owner: string;
  /** Stops the heartbeat and releases the lease. */
  release(): Promise<void>;
}

/**
 * Takes and keeps one source's sync lease for a run: renewed every third of its ttl, and
 * `onLost` is called when a renewal finds it taken over (the run must stop; its writes are
 * fenced and would fail anyway).
 */
export class SourceLeases {
  /** One owner per engine: a second engine in the same process is another holder. */
  readonly owner = randomUUID();

  constructor(
    private readonly store: Store,
    private readonly purpose: string,
    private readonly ttlMs = DEFAULT_LEASE_TTL_MS,
  ) {}

  async acquire(sourceId: string, onLost: (err: LeaseLostError) => void): Promise<HeldLease> {
    const result: AcquireResult = await this.store.acquireLease(
      sourceId,
      leaseHolder(this.owner, this.purpose),
      this.ttlMs,
    );
    if (!result.acquired) throw new SourceBusyError(sourceId, result.heldBy);
    let released = false;
    const timer = setInterval(
      () => {
        this.store.renewLease(sourceId, this.owner, this.ttlMs).then(
          (held) => {
            if (!held && !released) {
              clearInterval(timer);
              onLost(
                new LeaseLostError(`the sync lease of source "${sourceId}" was taken over; this run stopped`),
              );
            }
          },
          () => {}, // a store that cannot be written fails the run's next page anyway
        );
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    return {
      owner: this.owner,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.store.releaseLease(sourceId, this.owner);
      },
    };
  }

  /** The lease of a source when another process holds it (for the API), else undefined. */
  async heldElsewhere(sourceId: string): Promise<SyncLease | undefined> {
    const lease = await this.store.getLease(sourceId);
    if (
      !lease ||
      lease.owner === this.owner ||
      Date.parse(lease.expiresAt) < Date.now() ||
      holderIsDead(lease)
    )
      return undefined;
    return lease;
  }
}
