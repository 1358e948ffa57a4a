import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type InvoiceStatus,
  NEVER_RETRY_CODES,
  type StatusFilter,
  type WalkEvidence,
  type WalkPage,
  type WhmcsClient,
  WhmcsError,
  type WhmcsErrorCode,
} from '@forecaster/whmcs-client';
import type { BridgeConfig, SourceConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { StoreError } from '../store/errors.ts';
import type { SyncLease } from '../store/lease.ts';
import type { LoginPermit, LoginPurpose } from '../store/login-gate.ts';
import { classifyStoreError } from '../store/store-errors.ts';
import type {
  FetchedInvoice,
  SourceError,
  SourceRecord,
  SourceStateName,
  Store,
  SyncCheckpoint,
  SyncMode,
  SyncRunResult,
} from '../store/types.ts';
import { credentialFingerprint, loginOutcomeOf } from './credential-fingerprint.ts';
import { deleteBudget, guardMassDelete, SyncRefusedError } from './full-walk-guard.ts';
import { type HeldLease, LeaseLostError, SourceBusyError, SourceLeases } from './source-lease.ts';
import { sourceState } from './source-state.ts';
import type { SyncController, SyncProgress, TriggerOptions, TriggerResult } from './types.ts';
import { vetRows } from './vet-rows.ts';
import { clientForSource } from './whmcs.ts';

/** The statuses an invoice can still leave: the incremental sync re-reads these every time. */
export const OPEN_STATUSES: ReadonlyArray<{ wire: StatusFilter; status: InvoiceStatus }> = [
  { wire: 'Draft', status: 'draft' },
  { wire: 'Unpaid', status: 'unpaid' },
  { wire: 'Payment Pending', status: 'payment_pending' },
  { wire: 'Collections', status: 'collections' },
];

/** What a failure means for the source: a hint, and where the fix is documented. */
export type Diagnose = (
  code: string,
  context: { source: SourceConfig; status?: number },
) => { hint?: string; docsUrl?: string };

export interface SyncEngineDeps {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
  diagnose?: Diagnose;
  /** Builds the WHMCS client of a source (tests inject their own). */
  clientFor?: (source: SourceConfig, onCall: () => void) => WhmcsClient;
  /** Shown to another process that finds a source's sync lease held: `serve`, `sync`, ... */
  leasePurpose?: string;
  leaseTtlMs?: number;
}

export interface RunOptions extends TriggerOptions {
  signal?: AbortSignal;
  /** Lets this run delete more than the source's maxDeleteShare (`--allow-mass-delete`). */
  allowMassDelete?: boolean;
}

/** Raised inside a run to stop it: a shutdown, or the caller's abort. */
class Aborted extends Error {}

type Counters = {
  quarantined: number;
  calls: number;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
};

interface Running {
  runId: string;
  mode: SyncMode;
  progress: SyncProgress;
  /** WHMCS calls (every attempt) and rows of this run. */
  counters: Counters;
  controller: AbortController;
  done: Promise<SyncRunResult>;
  /** The login gate's permit for this run, settled with what WHMCS answered. */
  permit: LoginPermit;
  allowMassDelete: boolean;
}

/**
 * Keeps every source's invoices in the store: a full sync walks every invoice by id and
 * tombstones the ones gone; an incremental one reads new ids above the high-water mark and
 * re-reads every open invoice. One run per source at a time; every page is committed with
 * its checkpoint, so a crash resumes. Refusals (credentials, IP, permission) turn the source
 * `failing` and it waits for a person: WHMCS bans an IP after three failed logins. Every run
 * first asks the store's login gate, which other processes on the data directory share.
 */
export class SyncEngine extends EventEmitter implements SyncController {
  readonly #deps: SyncEngineDeps;
  readonly #sources: Map<string, SourceConfig>;
  readonly #clients = new Map<string, WhmcsClient>();
  readonly #running = new Map<string, Running>();
  readonly #clock: () => Date;
  readonly #leases: SourceLeases;
  /** The holder last reported as syncing a source elsewhere (logged once per holder). */
  readonly #busyLogged = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(deps: SyncEngineDeps) {
    super();
    this.#deps = deps;
    this.#clock = deps.clock ?? (() => new Date());
    this.#sources = new Map(deps.config.sources.map((s) => [s.id, s]));
    this.#leases = new SourceLeases(deps.store, deps.leasePurpose ?? 'serve', deps.leaseTtlMs);
  }

  /** Another process's lease on the source, while it syncs it. */
  heldElsewhere(sourceId: string): Promise<SyncLease | undefined> {
    return this.#leases.heldElsewhere(sourceId);
  }

  /** Registers the sources, clears refusals recorded under another configuration, and schedules. */
  async start(options: { schedule?: boolean } = {}): Promise<void> {
    const { store } = this.#deps;
    for (const source of this.#sources.values()) {
      await store.upsertSource({ id: source.id, name: source.name });
      const record = await store.getSource(source.id);
      if (record?.failing && record.lastError?.configHash !== configHash(source)) {
        // The configuration changed since WHMCS refused it: that is the retry a person asked for.
        await store.setFailing(source.id, null);
        this.#deps.logger.info(
          { source: source.id },
          'configuration changed since the last refusal: retrying',
        );
      }
    }
    if (options.schedule ?? true) {
      this.#timer = setInterval(() => void this.#tick(), 1000);
      this.#timer.unref();
      void this.#tick();
    }
  }

  /** Stops scheduling and aborts running syncs; they resume from their checkpoint next time. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    const running = [...this.#running.values()];
    for (const run of running) run.controller.abort(new Aborted('the bridge is stopping'));
    await Promise.allSettled(running.map((r) => r.done));
  }

  async trigger(sourceId: string, mode: SyncMode, options: TriggerOptions = {}): Promise<TriggerResult> {
    if (!this.#sources.has(sourceId)) return { accepted: false, reason: 'unknown_source' };
    const running = this.#running.get(sourceId);
    if (running) return { accepted: false, reason: 'running', runId: running.runId };
    const login = await this.#login(sourceId, 'manual', options.force);
    if (!login.allowed) {
      return {
        accepted: false,
        reason: login.code,
        message: login.message,
        ...(login.retryAfterMs !== undefined ? { retryAfterMs: login.retryAfterMs } : {}),
      };
    }
    const run = this.#launch(sourceId, mode, login.permit);
    if (!run) return { accepted: false, reason: 'running', runId: this.#running.get(sourceId)?.runId };
    return { accepted: true, runId: run.runId, mode: run.mode };
  }

  /**
   * Runs a sync and waits for it (the CLI's `forecaster-bridge sync`). A login the gate withholds is a
   * failed result that calls nobody and records nothing.
   */
  async run(sourceId: string, mode: SyncMode, options: RunOptions = {}): Promise<SyncRunResult> {
    const existing = this.#running.get(sourceId);
    if (existing) return existing.done;
    const login = await this.#login(sourceId, 'manual', options.force);
    if (!login.allowed) {
      const at = this.#clock().toISOString();
      return {
        mode,
        runId: randomUUID(),
        startedAt: at,
        finishedAt: at,
        durationMs: 0,
        result: 'failed',
        ...{ calls: 0, rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, removed: 0 },
        error: {
          code: login.code,
          message: login.message,
          ...this.#deps.diagnose?.(login.code, { source: this.#sources.get(sourceId)! }),
          at,
        },
      };
    }
    const run = this.#launch(sourceId, mode, login.permit, options.allowMassDelete ?? false);
    if (!run) return this.#running.get(sourceId)!.done;
    options.signal?.addEventListener('abort', () => run.controller.abort(new Aborted('aborted')), {
      once: true,
    });
    return run.done;
  }

  /** Asks the store's login gate for a run of this source. */
  #login(sourceId: string, purpose: LoginPurpose, force?: boolean) {
    const source = this.#sources.get(sourceId)!;
    return this.#deps.store.loginGate.acquire({
      sourceId,
      fingerprint: credentialFingerprint(source),
      purpose,
      now: this.#clock(),
      ...(force ? { force } : {}),
    });
  }

  progress(sourceId: string): SyncProgress | undefined {
    const running = this.#running.get(sourceId);
    return running ? { ...running.progress } : undefined;
  }

  async state(sourceId: string): Promise<SourceStateName> {
    const source = this.#sources.get(sourceId);
    const record = await this.#deps.store.getSource(sourceId);
    return sourceState(record, {
      running: this.#running.has(sourceId) || (await this.heldElsewhere(sourceId)) !== undefined,
      configHash: source ? configHash(source) : '',
    });
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#schedule();
    } catch (err) {
      this.#deps.logger.error({ err }, 'scheduling failed');
    } finally {
      this.#ticking = false;
    }
  }

  async #schedule(): Promise<void> {
    const now = this.#clock().getTime();
    for (const source of this.#sources.values()) {
      if (this.#running.has(source.id)) continue;
      const record = await this.#deps.store.getSource(source.id);
      if (!record || record.failing) continue;
      const due = (last: SyncRunResult | undefined, every: number) => {
        if (!last) return true;
        const at = Date.parse(last.finishedAt);
        // A clock that jumped backwards would otherwise postpone the next sync indefinitely.
        return at > now || now - at >= every;
      };
      let mode: SyncMode | undefined;
      if (record.checkpoint) {
        // An interrupted run resumes at once; one that failed (its checkpoint stays) waits like
        // any failed run, or a page that always fails would be asked for again every tick.
        const last = record.checkpoint.mode === 'full' ? record.lastFull : record.lastIncremental;
        const failed = last?.result === 'failed' && last.runId === record.checkpoint.runId;
        if (!failed || due(last, retryDelay(source))) mode = record.checkpoint.mode;
      } else if (record.lastFull?.result !== 'ok') {
        // Never completed a full sync, or the last one failed on the way: try again, politely.
        if (!record.lastFull || due(record.lastFull, retryDelay(source))) mode = 'full';
      } else if (due(record.lastFull, source.sync.fullEvery)) mode = 'full';
      else if (
        due(record.lastIncremental, source.sync.incrementalEvery) &&
        // A full sync reads everything an incremental one would: it counts as one.
        due(record.lastFull, source.sync.incrementalEvery)
      )
        mode = 'incremental';
      if (!mode) continue;
      // Another process may have been refused since: the gate, not this process, decides.
      const login = await this.#login(source.id, 'schedule');
      if (login.allowed) this.#launch(source.id, mode, login.permit);
    }
  }

  #client(source: SourceConfig): WhmcsClient {
    let client = this.#clients.get(source.id);
    if (!client) {
      const countCall = () => {
        const running = this.#running.get(source.id);
        if (running) running.counters.calls++;
      };
      client = this.#deps.clientFor
        ? this.#deps.clientFor(source, countCall)
        : clientForSource(source, this.#deps.metrics, countCall);
      this.#clients.set(source.id, client);
    }
    return client;
  }

  /** Starts a run holding `permit`; undefined (the permit given back) when one started meanwhile. */
  #launch(
    sourceId: string,
    requested: SyncMode,
    permit: LoginPermit,
    allowMassDelete = false,
  ): Running | undefined {
    if (this.#running.has(sourceId)) {
      void this.#deps.store.loginGate.settle(permit, 'unknown');
      return undefined;
    }
    const source = this.#sources.get(sourceId)!;
    const controller = new AbortController();
    const runId = randomUUID();
    const progress: SyncProgress = {
      sourceId,
      runId,
      mode: requested,
      phase: 'starting',
      startedAt: this.#clock().toISOString(),
      pagesDone: 0,
      rowsDone: 0,
      resumed: false,
    };
    const running: Running = {
      runId,
      mode: requested,
      progress,
      counters: { calls: 0, rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, removed: 0, quarantined: 0 },
      controller,
      done: Promise.resolve(undefined as unknown as SyncRunResult),
      permit,
      allowMassDelete,
    };
    this.#running.set(sourceId, running);
    this.#deps.metrics.sourceState.set({ source: sourceId, state: 'syncing' }, 1);
    running.done = this.#execute(source, running, requested).finally(() => {
      this.#running.delete(sourceId);
      this.#deps.metrics.sourceState.set({ source: sourceId, state: 'syncing' }, 0);
    });
    running.done.catch(() => {});
    return running;
  }

  async #execute(source: SourceConfig, running: Running, requested: SyncMode): Promise<SyncRunResult> {
    const log = this.#deps.logger.child({ source: source.id });
    // Only one process syncs a source: two full runs would tombstone each other's rows.
    let lease: HeldLease;
    try {
      lease = await this.#leases.acquire(source.id, (lost) => running.controller.abort(lost));
    } catch (err) {
      if (err instanceof SourceBusyError && this.#busyLogged.get(source.id) !== err.heldBy.owner) {
        this.#busyLogged.set(source.id, err.heldBy.owner);
        log.warn({ heldBy: err.heldBy }, err.message);
      }
      throw err;
    }
    this.#busyLogged.delete(source.id);
    try {
      return await this.#executeLeased(source, running, requested, lease.owner);
    } finally {
      await lease.release().catch(() => {});
    }
  }

  async #executeLeased(
    source: SourceConfig,
    running: Running,
    requested: SyncMode,
    fence: string,
  ): Promise<SyncRunResult> {
    const { store, logger, metrics } = this.#deps;
    const log = logger.child({ source: source.id });
    const started = this.#clock();
    // Durations come from the monotonic clock: the wall clock may step (NTP, a resumed VM)
    // during a run, which would make them negative or hours long.
    const startedMono = performance.now();
    const counters = running.counters;
    const record = await store.getSource(source.id);
    // An interrupted run is finished first: a half-done full sync must still tombstone.
    const checkpoint = record?.checkpoint;
    const mode: SyncMode = checkpoint?.mode ?? requested;
    running.mode = mode;
    running.progress.mode = mode;
    if (checkpoint) {
      running.runId = checkpoint.runId;
      running.progress.runId = checkpoint.runId;
      running.progress.resumed = true;
      running.progress.pagesDone = checkpoint.pagesDone;
      running.progress.rowsDone = checkpoint.rowsDone;
    }
    let accepted = false;
    const ctx: RunContext = {
      source,
      client: this.#client(source),
      store,
      running,
      counters,
      signal: running.controller.signal,
      startedAt: checkpoint?.startedAt ?? started.toISOString(),
      emit: () => this.emit('progress', { ...running.progress }),
      // WHMCS answered a page: the credential works. Said at once, not at the end of the run, so
      // that a crash in the middle does not leave the gate held for other callers.
      loggedIn: async () => {
        if (accepted) return;
        accepted = true;
        await store.loginGate.settle(running.permit, 'accepted', undefined, this.#clock());
      },
      fence,
    };
    // Incremental runs come every few minutes: their start is a detail, their end says it all.
    log[mode === 'incremental' && !checkpoint ? 'debug' : 'info'](
      { mode, runId: running.runId, resumed: Boolean(checkpoint) },
      `${mode} sync started`,
    );
    let result: SyncRunResult['result'] = 'ok';
    let error: SourceError | undefined;
    let login: ReturnType<typeof loginOutcomeOf> = { outcome: 'accepted' };
    try {
      if (mode === 'full') await fullSync(ctx, checkpoint);
      else await incrementalSync(ctx);
    } catch (err) {
      login = loginOutcomeOf(err);
      if (err instanceof Aborted || running.controller.signal.aborted || isLeaseLost(err)) {
        // A lost lease is not this source's failure: the new holder records its own run.
        result = 'aborted';
        if (isLeaseLost(err) || running.controller.signal.reason instanceof LeaseLostError)
          log.warn({ runId: running.runId }, 'another process took over the sync lease: this run stopped');
      } else {
        result = 'failed';
        error = this.#describe(source, err);
      }
    }
    // A page came back: WHMCS accepted the login, whatever stopped the run later.
    if (login.outcome === 'unknown' && accepted) login = { outcome: 'accepted' };
    if (!accepted || login.outcome === 'refused')
      await store.loginGate.settle(running.permit, login.outcome, login.refusal, this.#clock());
    const finished = this.#clock();
    const { quarantined, ...counts } = counters;
    const run: SyncRunResult = {
      mode,
      runId: running.runId,
      startedAt: ctx.startedAt,
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - startedMono),
      result,
      ...counts,
      ...(error ? { error } : {}),
      ...(quarantined ? { quarantined, warnings: [quarantineWarning(quarantined)] } : {}),
    };
    if (quarantined) metrics.syncRows.inc({ source: source.id, mode, kind: 'quarantined' }, quarantined);
    metrics.syncDuration.observe({ source: source.id, mode, result }, run.durationMs / 1000);
    for (const kind of ['inserted', 'updated', 'unchanged', 'removed'] as const) {
      metrics.syncRows.inc({ source: source.id, mode, kind }, counters[kind]);
    }
    if (result === 'aborted') {
      // The checkpoint stays: the next start resumes from it.
      log.info(
        { mode, runId: run.runId, rows: counters.rowsRead },
        `${mode} sync interrupted; it resumes from its checkpoint`,
      );
      return run;
    }
    await store.recordRun(source.id, run);
    if (error) {
      const refusal = isRefusal(error.code);
      if (refusal) await store.setFailing(source.id, error);
      log.error(
        { mode, runId: run.runId, code: error.code, hint: error.hint },
        `${mode} sync failed: ${error.message}${refusal ? ' (not sent again until the configuration changes it or a person forces one retry; at most one failed login per 15 minutes)' : ''}`,
      );
    } else {
      log.info(
        { mode, runId: run.runId, durationMs: run.durationMs, ...counters },
        `${mode} sync done: ${counters.rowsRead} read, ${counters.inserted} new, ${counters.updated} changed, ${counters.removed} removed`,
      );
    }
    this.emit('finished', run, source.id);
    return run;
  }

  #describe(source: SourceConfig, failure: unknown): SourceError {
    const err =
      classifyStoreError(failure, this.#deps.store.kind === 'sqlite' ? storePath(this.#deps.store) : '') ??
      failure;
    const known = err instanceof WhmcsError || err instanceof SyncRefusedError || err instanceof StoreError;
    const code = known ? err.code : 'internal_error';
    const message = err instanceof Error ? err.message : String(err);
    if (!known) this.#deps.logger.error({ err, source: source.id }, 'unexpected sync error');
    return {
      code,
      message: known ? message : 'an unexpected error stopped the sync; see the bridge log',
      ...this.#deps.diagnose?.(code, {
        source,
        ...(err instanceof WhmcsError && err.status !== undefined ? { status: err.status } : {}),
      }),
      at: this.#clock().toISOString(),
      configHash: configHash(source),
    };
  }
}

/** WHMCS refused the credential, the IP or the permission: retrying risks a ban. */
function isRefusal(code: string): boolean {
  return NEVER_RETRY_CODES.has(code as WhmcsErrorCode);
}

/** After a failed full sync (not a refusal), wait before the scheduler tries again. */
function retryDelay(source: SourceConfig): number {
  return Math.min(source.sync.incrementalEvery, 300_000);
}

/** A fingerprint of what decides whether WHMCS accepts the source (no secret is kept). */
export function configHash(source: SourceConfig): string {
  return createHash('sha256')
    .update(JSON.stringify([source.url, source.credentials, source.accessKey ?? null, source.tls.ca ?? null]))
    .digest('hex')
    .slice(0, 16);
}

function quarantineWarning(count: number): string {
  return `${count} invoice${count === 1 ? '' : 's'} could not be stored as WHMCS sent ${count === 1 ? 'it' : 'them'} and ${count === 1 ? 'is' : 'are'} quarantined (GET /v1/sources/{id} lists them); every other invoice was stored`;
}

/**
 * What the store knows of the list: its highest id ever stored, and how many invoices WHMCS
 * may count without listing them (the last complete walk's orphans, plus what this run may
 * delete anyway). Unknown orphans (a first sync, or a store from before this was kept) are
 * not checked: the stored-max check and the delete budget still hold.
 */
function walkExpectation(
  source: SourceConfig,
  record: SourceRecord | undefined,
  live: number,
  allowMassDelete: boolean,
): { maxId: number; orphanAllowance: number } {
  const orphans = record?.walkState.orphans;
  return {
    maxId: record?.highWaterMark ?? 0,
    orphanAllowance:
      orphans === undefined
        ? Number.POSITIVE_INFINITY
        : orphans + deleteBudget(source, live, allowMassDelete),
  };
}

function storePath(store: Store): string {
  return (store as Store & { path?: string }).path ?? '';
}

async function clearNewWalkFloor(store: Store, sourceId: string): Promise<void> {
  const record = await store.getSource(sourceId);
  if (record?.walkState.newWalkFloor === undefined) return;
  const { newWalkFloor: _, ...rest } = record.walkState;
  await store.saveWalkState(sourceId, rest);
}

function isLeaseLost(err: unknown): boolean {
  return err instanceof LeaseLostError || (err instanceof StoreError && err.code === 'lease_lost');
}

interface RunContext {
  /** The lease owner every write is fenced with. */
  fence: string;
  source: SourceConfig;
  client: WhmcsClient;
  store: Store;
  running: Running;
  counters: Counters;
  signal: AbortSignal;
  startedAt: string;
  emit: () => void;
  /** Called with each committed page: WHMCS accepted the login. */
  loggedIn: () => Promise<void>;
}

/** Commits one page with its checkpoint, and advances the counters and progress. */
async function commitPage(
  ctx: RunContext,
  page: WalkPage,
  phase: string,
  checkpoint: SyncCheckpoint | null,
  seenInRun?: string,
): Promise<FetchedInvoice[]> {
  if (ctx.signal.aborted) throw new Aborted('aborted');
  const { rows, quarantine } = vetRows(page.rows, { source: ctx.source.id, timeZone: ctx.source.timeZone });
  const result = await ctx.store.applyPage(ctx.source.id, rows, checkpoint, seenInRun, {
    fence: ctx.fence,
    quarantine,
  });
  ctx.counters.quarantined += quarantine.length;
  ctx.counters.rowsRead += rows.length;
  ctx.counters.inserted += result.inserted;
  ctx.counters.updated += result.updated;
  ctx.counters.unchanged += result.unchanged;
  const p = ctx.running.progress;
  p.phase = phase;
  p.pagesDone++;
  p.rowsDone += rows.length + quarantine.length;
  ctx.emit();
  await ctx.loggedIn();
  return rows;
}

async function fullSync(ctx: RunContext, resume: SyncCheckpoint | undefined): Promise<void> {
  const { source, running } = ctx;
  const runId = running.runId;
  const record = await ctx.store.getSource(source.id);
  const pages = ctx.client.invoicePages({
    pageSize: source.pageSize,
    concurrency: source.concurrency,
    order: 'asc',
    signal: ctx.signal,
    ...(resume?.anchor ? { resumeFrom: resume.anchor } : {}),
    expect: walkExpectation(
      source,
      record,
      await ctx.store.countFromId(source.id, 0),
      running.allowMassDelete,
    ),
  });
  let evidence: WalkEvidence | undefined;
  for await (const page of pages) {
    evidence = page.evidence;
    running.progress.rowsExpected = page.progress.totalResults;
    const p = running.progress;
    await commitPage(
      ctx,
      page,
      'walk',
      {
        runId,
        mode: 'full',
        startedAt: ctx.startedAt,
        phase: 'walk',
        ...(page.anchor ? { anchor: page.anchor } : {}),
        pagesDone: p.pagesDone + 1,
        rowsDone: p.rowsDone + page.rows.length,
        rowsExpected: page.progress.totalResults,
      },
      runId,
    );
  }
  running.progress.phase = 'tombstones';
  // Tombstones need positive evidence that the walk saw the whole list; the client throws
  // incomplete_walk when it can show the opposite, and a walk that ends without either is
  // treated the same way: everything is kept.
  if (!evidence?.complete) {
    throw new SyncRefusedError(
      'incomplete_walk',
      'the walk ended without evidence that it saw every invoice; nothing was deleted',
    );
  }
  await ctx.store.saveWalkState(source.id, {
    ...((await ctx.store.getSource(source.id))?.walkState ?? {}),
    orphans: evidence.shortfall,
  });
  guardMassDelete(source, await ctx.store.fullRunTally(source.id, runId), running.allowMassDelete);
  const { removed } = await ctx.store.finishFullRun(source.id, runId, { fence: ctx.fence });
  ctx.counters.removed += removed;
  // A complete walk by id saw every new invoice too.
  await clearNewWalkFloor(ctx.store, source.id);
  await ctx.store.saveCheckpoint(source.id, null);
}

/**
 * New invoices, and every change to an open one. Invoices that left the open lists are
 * re-read where they went: by a newest-first walk over the top of the id range, or by their
 * client's list, whichever costs fewer calls; those found nowhere are tombstoned.
 * An incremental run is short and idempotent, so an interrupted one simply starts over.
 */
async function incrementalSync(ctx: RunContext): Promise<void> {
  const { source, store, running } = ctx;
  const record = await store.getSource(source.id);
  // Every page of this run commits, and the open-status walks may store ids far above the
  // mark; the newest-first walk's floor is saved first, so that an interrupted run leaves its
  // gap to the next one instead of hiding it under a higher max(id).
  const highWater = record?.walkState.newWalkFloor ?? record?.highWaterMark ?? 0;
  if (record && record.walkState.newWalkFloor === undefined) {
    await store.saveWalkState(source.id, { ...record.walkState, newWalkFloor: highWater });
  }
  const openBefore = await store.idsWithStatus(
    source.id,
    OPEN_STATUSES.map((s) => s.status),
  );
  const stillOpen = new Set<number>();
  const walk = async (phase: string, options: Parameters<WhmcsClient['invoicePages']>[0]) => {
    const seen: FetchedInvoice[] = [];
    for await (const page of ctx.client.invoicePages({
      pageSize: source.pageSize,
      signal: ctx.signal,
      ...options,
    })) {
      running.progress.phase = phase;
      seen.push(...(await commitPage(ctx, page, phase, null)));
    }
    return seen;
  };

  for (const { wire } of OPEN_STATUSES) {
    for (const row of await walk(`open:${wire}`, { status: wire, concurrency: 1 }))
      stillOpen.add(row.invoice.id);
  }
  const vanished = openBefore.filter((row) => !stillOpen.has(row.id)).sort((a, b) => b.id - a.id);

  // Choose how far down the newest-first walk goes: past the high-water mark it re-reads
  // old invoices, which pays when many vanished invoices sit near the top.
  const pageCalls = async (minId: number) =>
    Math.ceil((await store.countFromId(source.id, minId)) / source.pageSize) + 1;
  const clientCalls = (rows: typeof vanished) => 2 * new Set(rows.map((r) => r.clientId)).size;
  let cut = vanished.length; // vanished[0..cut) are covered by the walk
  let best = (await pageCalls(highWater + 1)) + clientCalls(vanished);
  const step = Math.max(1, Math.floor(vanished.length / 50));
  for (let j = 1; j <= vanished.length; j += step) {
    const cost = (await pageCalls(vanished[j - 1]!.id)) + clientCalls(vanished.slice(j));
    if (cost < best) {
      best = cost;
      cut = j;
    }
  }
  if (cut === vanished.length && vanished.length > 0) {
    const allByWalk = await pageCalls(vanished.at(-1)!.id);
    if (allByWalk > best) cut = 0;
  }
  const byWalk = vanished.slice(0, cut);
  const byClient = vanished.slice(cut);
  const floor = byWalk.length ? Math.min(highWater, byWalk.at(-1)!.id - 1) : highWater;

  const found = new Set<number>();
  for (const row of await walk('new', { order: 'desc', concurrency: 1, stopAtOrBelowId: floor }))
    found.add(row.invoice.id);
  // The walk reached the floor: everything above it is stored, and the mark may move up.
  await clearNewWalkFloor(store, source.id);
  const clients = [...new Set(byClient.map((r) => r.clientId))];
  for (const clientId of clients) {
    for (const row of await walk('vanished', { userId: clientId, concurrency: 1 })) found.add(row.invoice.id);
  }
  const gone = vanished.filter((r) => !found.has(r.id)).map((r) => r.id);
  if (gone.length) {
    const live = await store.countFromId(source.id, 0);
    if (gone.length > deleteBudget(source, live, running.allowMassDelete)) {
      throw new SyncRefusedError(
        'mass_delete',
        `this incremental sync would delete ${gone.length} of ${live} stored invoices, more than one run may delete; it deleted nothing. ` +
          'If WHMCS really lost them, run `bridge sync --allow-mass-delete` once (or set sync.allowMassDelete).',
      );
    }
    const { removed } = await store.removeInvoices(source.id, gone, { fence: ctx.fence });
    ctx.counters.removed += removed;
  }
}
