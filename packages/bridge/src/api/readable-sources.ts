import type { MiddlewareHandler } from 'hono';
import type { SourceConfig } from '../config.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { invalidRequest, notFound } from './errors.ts';

/**
 * The sources one request may read: the configured ones as they stood when it arrived (managed
 * sources join and leave `config.sources` at run time), taken once by {@link readableSources}
 * and read by the handlers as `c.var.sources`. A source removed from the configuration is not
 * served, even while its rows remain in the store.
 */
export class ReadableSources {
  readonly #sources: readonly SourceConfig[];
  readonly #archived: readonly string[];
  /**
   * `archived`: managed sources deleted with their invoices kept. Their invoices stay readable
   * when a query names the source; they are never synced, and left out of what a query that
   * names no source reads (the business as it runs now).
   */
  constructor(sources: readonly SourceConfig[], archived: readonly string[] = []) {
    this.#sources = [...sources];
    this.#archived = [...archived];
  }

  /** Every configured source, in configuration order. */
  get all(): readonly SourceConfig[] {
    return this.#sources;
  }

  /** The configured source, or a 404. */
  one(id: string): SourceConfig {
    const source = this.#sources.find((s) => s.id === id);
    if (!source) throw notFound(`no source "${id}" is configured`);
    return source;
  }

  /** True when `id` is an archived source (deleted with its invoices kept) and not configured. */
  isArchived(id: string): boolean {
    return this.#archived.includes(id) && !this.#sources.some((s) => s.id === id);
  }

  /** A 404 unless the source's invoices may be read (configured, or archived with them kept). */
  named(id: string): void {
    if (!this.isArchived(id)) this.one(id);
  }

  /**
   * The ids a query may read: those it names, each configured or archived (else a 400 naming
   * the unknown ones), or every configured source.
   */
  read(ids: readonly string[] | undefined, param = 'source'): string[] {
    const configured = this.#sources.map((s) => s.id);
    if (!ids) return configured;
    const unknown = ids.filter((id) => !configured.includes(id) && !this.#archived.includes(id));
    if (unknown.length) {
      throw invalidRequest(unknown.map((id) => ({ param, message: `no source "${id}" is configured` })));
    }
    return [...new Set(ids)];
  }
}

/** Sets `c.var.sources` for the request. */
export function readableSources(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('sources', new ReadableSources(deps.config.sources, deps.managedSources?.archivedIds() ?? []));
    await next();
  };
}
