import type { IncomingMessage } from 'node:http';
import type { CheckRunner } from '../check/runner.ts';
import type { BridgeConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Scope } from '../scopes.ts';
import type { ManagedSources } from '../sources/managed-sources.ts';
import type { Store } from '../store/types.ts';
import type { SyncController } from '../sync/types.ts';
import type { ReadableSources } from './readable-sources.ts';

/** What the API is built from: `main.ts` opens them, tests pass real or fake ones. */
export interface AppDeps {
  config: BridgeConfig;
  store: Store;
  sync: SyncController;
  logger: Logger;
  metrics: Metrics;
  /** The time now (rate limits, schedules); a test passes a fixed one. */
  clock?: () => Date;
  /** The bridge's version, shown in /openapi.json. */
  version?: string;
  /** Runs `forecaster-bridge check` for a source (ban-safe: cached for a cooldown). */
  check?: CheckRunner;
  /** Sources managed through the API (absent: the routes answer 503). */
  managedSources?: ManagedSources;
}

/** Hono's per-request variables. */
export interface AppEnv {
  /** The Node request, when served by @hono/node-server (absent in `app.request()` tests). */
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    requestId: string;
    /** The name of the configured token the caller presented (after auth). */
    tokenName: string;
    /** Its scopes; null for a token configured without scopes (the rights tokens had before). */
    tokenScopes: readonly Scope[] | null;
    /** The sources this request may read (/v1 only). */
    sources: ReadableSources;
  };
}
