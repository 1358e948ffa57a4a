import { checkSource } from '../check/check-source.ts';
import type { Lookup } from '../check/network.ts';
import { systemLookup } from '../check/network.ts';
import type { CheckReport } from '../check/report.ts';
import type { BridgeConfig, SourceConfig } from '../config.ts';
import { docsBase } from '../docs/docs-base.ts';
import type { Logger } from '../logger.ts';
import type { ManagedSourceRow } from '../store/managed-sources.ts';
import type { Store } from '../store/types.ts';
import type { ConnectGuard } from './connect-guard.ts';
import { blockListOf } from './managed-config.ts';
import { type KeyRing, openWithRing, seal } from './secret-box.ts';
import { addressRefusal, type UrlVerdict, vetManagedUrl } from './url-rules.ts';

/*
 * Sources created through the API, alive in the running bridge: each enabled one is added to
 * `config.sources` (so that every reader, the check and the facade see it as they see a file
 * source) and handed to the sync engine, which schedules it like a file source. A disabled one
 * stays readable and is not synced; an archived one (deleted, invoices kept) is neither.
 */

/** The settings kept in clear (everything but the secrets). */
export interface ManagedSettings {
  name: string;
  url: string;
  identifier: string;
  timeZone: string;
  pageSize: number;
  schedule: { incrementalEvery: number; fullEvery: number };
  /** A PEM of extra CAs to trust (not a secret). */
  tlsCa: string | null;
  allowInsecureHttp: boolean;
}

export interface ManagedSecrets {
  secret: string;
  accessKey: string | null;
}

/** What the sync engine offers for sources that come and go while it runs. */
export interface SourceRegistrar {
  setSource(source: SourceConfig): Promise<void>;
  dropSource(id: string): Promise<void>;
}

/**
 * How often a serving bridge reads the managed sources from the store (see
 * ManagedSources.refresh): a change through another bridge's API reaches this one within it.
 */
export const MANAGED_REFRESH_MS = 2_000;

export interface ManagedSourcesDeps {
  config: BridgeConfig;
  store: Store;
  logger: Logger;
  registrar?: SourceRegistrar;
  /** The resolver the URL rules and the check use (tests pass one). */
  lookup?: Lookup;
}

/** Refused with a clear message: no `managedSources.key` in the configuration. */
export class ManagedSourcesOff extends Error {
  override name = 'ManagedSourcesOff';
  constructor() {
    super(
      'sources cannot be managed through the API without a key to seal their secrets: set managedSources.key in the configuration ({ "env": NAME } or { "file": PATH } holding 32 random bytes, e.g. `openssl rand -base64 32`)',
    );
  }
}

export class ManagedSources {
  readonly #deps: ManagedSourcesDeps;
  /** Ids of managed sources currently in config.sources. */
  readonly #installed = new Set<string>();
  /** Ids of managed sources deleted with their invoices kept (readable, never synced). */
  readonly #archived = new Set<string>();
  /** Each stored row this bridge applied, as `createdAt/version` (see {@link refresh}). */
  readonly #applied = new Map<string, string>();
  /** Counts changes made through this bridge's API, so a refresh never undoes a newer one. */
  #localChanges = 0;

  constructor(deps: ManagedSourcesDeps) {
    this.#deps = deps;
  }

  get ring(): KeyRing | null {
    return this.#deps.config.managedSources?.ring ?? null;
  }

  #ringOrThrow(): KeyRing {
    const ring = this.ring;
    if (!ring) throw new ManagedSourcesOff();
    return ring;
  }

  isManaged(id: string): boolean {
    return this.#installed.has(id);
  }

  /** Managed sources deleted with their invoices kept, whose invoices stay readable. */
  archivedIds(): string[] {
    return [...this.#archived];
  }

  /** Takes a source out of the running bridge and keeps its invoices readable (deleted, archived). */
  async archive(id: string): Promise<void> {
    await this.uninstall(id);
    this.#archived.add(id);
  }

  /**
   * Applies what other bridges (or processes) changed in the store: a source added, changed,
   * disabled, archived or deleted through another bridge's API joins, changes or leaves this
   * one. A round that overlaps a change through this bridge's own API stops early (the next
   * round applies the rest), so a list read before that change never undoes it.
   */
  async refresh(): Promise<void> {
    const before = this.#localChanges;
    const rows = await this.#deps.store.managedSources.list();
    const ring = this.ring;
    const stored = new Set(rows.map((r) => r.id));
    for (const row of rows) {
      const mark = `${row.createdAt}/${row.version}`;
      if (this.#applied.get(row.id) === mark) continue;
      if (this.#localChanges !== before) return;
      if (row.archivedAt) {
        await this.#uninstall(row.id);
        this.#archived.add(row.id);
      } else if (ring) {
        try {
          this.#archived.delete(row.id);
          await this.#install(row, this.#open(ring, row));
        } catch (err) {
          this.#deps.logger.error(
            { source: row.id, err: (err as Error).message },
            'managed source not loaded',
          );
        }
      }
      this.#applied.set(row.id, mark);
    }
    for (const id of new Set([...this.#installed, ...this.#archived, ...this.#applied.keys()])) {
      if (stored.has(id)) continue;
      if (this.#localChanges !== before) return;
      await this.#uninstall(id);
      this.#archived.delete(id);
      this.#applied.delete(id);
    }
  }

  /**
   * Refreshes every `everyMs` until the answer is called (stops it). A failed round (the store
   * away) is logged and the next one tries again.
   */
  watch(everyMs: number): () => Promise<void> {
    let stopped = false;
    let round: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      round = round.then(() =>
        stopped
          ? undefined
          : this.refresh().catch((err) =>
              this.#deps.logger.warn({ err }, 'managed sources were not refreshed from the store'),
            ),
      );
    }, everyMs);
    timer.unref();
    return async () => {
      stopped = true;
      clearInterval(timer);
      await round;
    };
  }

  /** Installs every stored managed source (at start). A row that does not open is logged and skipped. */
  async load(): Promise<void> {
    const rows = await this.#deps.store.managedSources.list();
    if (rows.length === 0) return;
    const ring = this.ring;
    for (const row of rows) {
      this.#applied.set(row.id, `${row.createdAt}/${row.version}`);
      if (row.archivedAt) {
        this.#archived.add(row.id);
        continue;
      }
      if (!ring) {
        this.#deps.logger.error({ source: row.id }, new ManagedSourcesOff().message);
        continue;
      }
      try {
        await this.install(row, this.#open(ring, row));
      } catch (err) {
        this.#deps.logger.error({ source: row.id, err: (err as Error).message }, 'managed source not loaded');
      }
    }
  }

  #open(ring: KeyRing, row: ManagedSourceRow): ManagedSecrets {
    return JSON.parse(openWithRing(ring, row.keyId, row.id, row.sealed)) as ManagedSecrets;
  }

  /** The secrets of a stored row (for a change that keeps them). */
  secretsOf(row: ManagedSourceRow): ManagedSecrets {
    return this.#open(this.#ringOrThrow(), row);
  }

  /** Seals secrets under the current key. */
  seal(id: string, secrets: ManagedSecrets): { sealed: Buffer; keyId: string } {
    const ring = this.#ringOrThrow();
    return { sealed: seal(ring.current, id, JSON.stringify(secrets)), keyId: ring.current.id };
  }

  /** The engine's view of a managed source. */
  sourceConfig(id: string, settings: ManagedSettings, secrets: ManagedSecrets): SourceConfig {
    return {
      id,
      name: settings.name,
      url: settings.url,
      credentials: { identifier: settings.identifier, secret: secrets.secret },
      ...(secrets.accessKey ? { accessKey: secrets.accessKey } : {}),
      timeZone: settings.timeZone,
      pageSize: settings.pageSize,
      concurrency: 2,
      timeoutMs: 30_000,
      sync: { ...settings.schedule },
      tls: settings.tlsCa ? { ca: settings.tlsCa } : {},
      allowInsecureHttp: settings.allowInsecureHttp,
      connectGuard: this.#connectGuard(),
    };
  }

  /** What every connection to a managed source may reach: the URL rules, at connect time. */
  #connectGuard(): ConnectGuard {
    const allowPrivate = blockListOf(this.#deps.config.managedSources?.allowPrivateNetworks ?? []);
    return {
      lookup: this.#deps.lookup ?? systemLookup,
      refuse: (address) => addressRefusal(address, allowPrivate),
    };
  }

  /** Vets a URL by the rules for managed sources. */
  vetUrl(url: string, allowInsecureHttp: boolean): Promise<UrlVerdict> {
    const allowPrivate = blockListOf(this.#deps.config.managedSources?.allowPrivateNetworks ?? []);
    return vetManagedUrl(url, allowInsecureHttp, {
      allowPrivate,
      ...(this.#deps.lookup ? { lookup: this.#deps.lookup } : {}),
    });
  }

  /**
   * The ban-safe connection check of a candidate source (the store's login gate first), with a
   * resolver that refuses what the URL rules refuse, so the check cannot be pointed elsewhere.
   */
  check(source: SourceConfig): Promise<CheckReport> {
    const allowPrivate = blockListOf(this.#deps.config.managedSources?.allowPrivateNetworks ?? []);
    const base = this.#deps.lookup ?? systemLookup;
    const lookup: Lookup = async (host) => {
      const answers = await base(host);
      for (const a of answers) {
        const refusal = addressRefusal(a.address, allowPrivate);
        if (refusal) throw Object.assign(new Error(refusal), { code: 'EREFUSED' });
      }
      return answers;
    };
    return checkSource(source, {
      docsBaseUrl: docsBase(this.#deps.config),
      gate: this.#deps.store.loginGate,
      lookup,
    });
  }

  /** Puts a managed source into the running bridge (replacing its previous settings). */
  async install(
    row: Pick<ManagedSourceRow, 'id' | 'settings' | 'disabled' | 'createdAt' | 'version'>,
    secrets: ManagedSecrets,
  ): Promise<void> {
    this.#localChanges++;
    this.#applied.set(row.id, `${row.createdAt}/${row.version}`);
    await this.#install(row, secrets);
  }

  async #install(row: Pick<ManagedSourceRow, 'id' | 'settings' | 'disabled'>, secrets: ManagedSecrets) {
    this.redactFromLogs(secrets);
    const source = this.sourceConfig(row.id, row.settings as unknown as ManagedSettings, secrets);
    const list = this.#deps.config.sources;
    const at = list.findIndex((s) => s.id === row.id);
    if (at >= 0) list[at] = source;
    else list.push(source);
    this.#installed.add(row.id);
    await this.#deps.store.upsertSource({ id: source.id, name: source.name });
    if (row.disabled) await this.#deps.registrar?.dropSource(row.id);
    else await this.#deps.registrar?.setSource(source);
  }

  /**
   * Adds a managed source's secrets to `config.secrets`, the list the logger redacts from every
   * line (it follows that list as it grows). They stay there after the source is changed or
   * deleted: a line about the old secret is still redacted.
   */
  redactFromLogs(secrets: ManagedSecrets): void {
    const list = this.#deps.config.secrets;
    for (const value of [secrets.secret, secrets.accessKey]) {
      if (value && !list.includes(value)) list.push(value);
    }
  }

  /** Takes a managed source out of the running bridge (deleted or archived). */
  async uninstall(id: string): Promise<void> {
    this.#localChanges++;
    await this.#uninstall(id);
  }

  async #uninstall(id: string): Promise<void> {
    const list = this.#deps.config.sources;
    const at = list.findIndex((s) => s.id === id);
    if (at >= 0 && this.#installed.has(id)) list.splice(at, 1);
    this.#installed.delete(id);
    await this.#deps.registrar?.dropSource(id);
  }

  /**
   * Re-seals every managed secret under `next` in one transaction (the CLI's
   * `rotate-sources-key`). A crash before the commit leaves every row under the old key; after
   * it, under the new one: with both keys configured (key and previousKey), each row opens.
   */
  async rotate(next: KeyRing['current'], token: string): Promise<number> {
    const ring = this.#ringOrThrow();
    return this.#deps.store.managedSources.reseal(
      (row) => ({
        sealed: seal(next, row.id, openWithRing(ring, row.keyId, row.id, row.sealed)),
        keyId: next.id,
      }),
      { token, action: 'rotate_key' },
    );
  }
}
