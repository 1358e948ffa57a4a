import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { WhmcsClient } from '@forecaster/whmcs-client';
import type { BridgeConfig, SourceConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { SyncLease } from '../store/lease.ts';
import type { LoginPermit, LoginPurpose } from '../store/login-gate.ts';
import type { SourceError, SourceStateName, Store, SyncMode, SyncRunResult } from '../store/types.ts';
import { credentialFingerprint, loginOutcomeOf } from './credential-fingerprint.ts';
import { fullSync } from './full-sync.ts';
import { incrementalSync } from './incremental-sync.ts';
import { Aborted, type RunContext, type Running } from './run-context.ts';
import { type Diagnose, describeFailure, isLeaseLost, isRefusal, quarantineWarning } from './run-failure.ts';
import { dueMode, Ticker } from './scheduler.ts';
import { clientForSource } from './source-client.ts';
import { type HeldLease, LeaseLostError, SourceBusyError, SourceLeases } from './source-lease.ts';
import { configHash, sourceState } from './source-state.ts';
import type { SyncController, SyncProgress, TriggerOptions, TriggerResult } from './types.ts';

export type { Diagnose } from './run-failure.ts';

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
  readonly #ticker: Ticker;

  constructor(deps: SyncEngineDeps) {
    super();
    this.#deps = deps;
    this.#clock = deps.clock ?? (() => new Date());
    this.#sources = new Map(deps.config.sources.map((s) => [s.id, s]));
    this.#leases = new SourceLeases(deps.store, deps.leasePurpose ?? 'serve', deps.leaseTtlMs);
    this.#ticker = new Ticker(() => this.#schedule(), deps.logger);
  }

  /** Another process's lease on the source, while it syncs it. */
  heldElsewhere(sourceId: string): Promise<SyncLease | undefined> {
    return this.#leases.heldElsewhere(sourceId);
  }

  /** Registers the sources, clears refusals recorded under another configuration, and schedules. */
  async start(options: { schedule?: boolean } = {}): Promise<void> {
    for (const source of this.#sources.values()) await this.#register(source);
    if (options.schedule ?? true) this.#ticker.start();
  }

  async #register(source: SourceConfig): Promise<void> {
    const { store } = this.#deps;
    await store.upsertSource({ id: source.id, name: source.name });
    const record = await store.getSource(source.id);
    if (record?.failing && record.lastError?.configHash !== configHash(source)) {
      // The configuration changed since WHMCS refused it: that is the retry a person asked for.
      await store.setFailing(source.id, null);
      this.#deps.logger.info({ source: source.id }, 'configuration changed since the last refusal: retrying');
    }
  }

  /** Adds or replaces a source while running (one managed through the API); scheduled like the others. */
  async setSource(source: SourceConfig): Promise<void> {
    this.#sources.set(source.id, source);
    this.#clients.delete(source.id);
    await this.#register(source);
  }

  /** Stops syncing a source (disabled or deleted); a run of it in progress is stopped at its checkpoint. */
  async dropSource(id: string): Promise<void> {
    this.#sources.delete(id);
    this.#clients.delete(id);
    const running = this.#running.get(id);
    if (running) {
      running.controller.abort(new Aborted('the source was disabled or deleted'));
      await running.done.catch(() => undefined);
    }
  }

  /** Stops scheduling and aborts running syncs; they resume from their checkpoint next time. */
  async stop(): Promise<void> {
    this.#ticker.stop();
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

  /** Launches every run that is due, each after the login gate allows it. */
  async #schedule(): Promise<void> {
    const now = this.#clock().getTime();
    for (const source of this.#sources.values()) {
      if (this.#running.has(source.id)) continue;
      const mode = dueMode(source, await this.#deps.store.getSource(source.id), now);
      if (!mode) continue;
      // Another process may have been refused since: the gate, not this process, decides.
      const login = await this.#login(source.id, 'schedule');
      if (login.allowed) this.#launch(source.id, mode, login.permit, false, true);
    }
  }

  #client(source: SourceConfig): WhmcsClient {
    let client = this.#clients.get(source.id);
    if (!client) {
      const countCall = () => {
        const running = this.#running.get(source.id);
        if (!running) return;
        running.counters.calls++;
        // Counted under the phase the run is in when it asks (each walk names its phase first).
        const byPhase = running.counters.callsByPhase ?? {};
        running.counters.callsByPhase = byPhase;
        const phase = running.progress.phase;
        byPhase[phase] = (byPhase[phase] ?? 0) + 1;
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
    scheduled = false,
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
      scheduled,
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
    // The scheduler chose from a record read before the lease: another bridge may have run it
    // since (and released the lease), so it is asked again here, or that bridge's run repeats.
    const due = running.scheduled ? dueMode(source, record, started.getTime()) : requested;
    if (!due) {
      await store.loginGate.settle(running.permit, 'unknown');
      throw new Aborted('another process ran it meanwhile');
    }
    // An interrupted run is finished first: a half-done full sync must still tombstone.
    const checkpoint = record?.checkpoint;
    const mode: SyncMode = checkpoint?.mode ?? due;
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
        error = describeFailure(err, {
          source,
          store,
          logger,
          at: this.#clock(),
          ...(this.#deps.diagnose ? { diagnose: this.#deps.diagnose } : {}),
        });
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
}
