import type { z } from 'zod';
import type { Scope } from '../scopes.ts';
import type { ConnectGuard } from '../sources/connect-guard.ts';
import type { ManagedSourcesConfig } from '../sources/managed-config.ts';
import type { bridgeConfigSchema, sourceConfigSchema } from './schema.ts';
import type { StoreConfig } from './store.ts';

/*
 * The resolved configuration: the schema's output with its secrets read (kept as values for
 * the WHMCS client, as SHA-256 for tokens and the facade) and its paths resolved.
 */

type SourceFile = z.output<typeof sourceConfigSchema>;
type BridgeFile = z.output<typeof bridgeConfigSchema>;

/** A source with its secrets read. */
export type SourceConfig = Omit<SourceFile, 'name' | 'credentials' | 'accessKey' | 'tls'> & {
  name: string;
  credentials: { identifier: string; secret: string } | { username: string; password: string };
  accessKey?: string;
  /** `ca`: the PEM read from `caFile`. */
  tls: { caFile?: string; ca?: string };
  /** Sources managed through the API: how every connection vets its address (not in the file). */
  connectGuard?: ConnectGuard;
};

/** A Forecaster access token, kept only as its SHA-256. */
export interface TokenConfig {
  name: string;
  sha256: Buffer;
  /** Absent: a token from before scopes, with the rights it had then. */
  scopes?: Scope[];
}

/** A credential of the WHMCS facade, kept only as its secret's SHA-256. */
export interface FacadeCredential {
  identifier: string;
  secretSha256: Buffer;
  /** The source ids it may read; null for every source. */
  sources: string[] | null;
}

/** The WHMCS facade's settings; no credentials means the facade is off. */
export interface FacadeConfig {
  credentials: FacadeCredential[];
  /** Callers allowed (exact addresses); null for any caller. */
  allowlist: string[] | null;
  trustedProxies: string[];
  /** Failed-login ban: `threshold` failures within `windowMs` ban the caller for `durationMs`. */
  ban: { threshold: number; windowMs: number; durationMs: number } | null;
}

/** The effective configuration: defaults applied, secrets read, paths resolved. */
export type BridgeConfig = Omit<
  BridgeFile,
  'store' | 'tokens' | 'rateLimit' | 'docsBaseUrl' | 'sources' | 'facade' | 'managedSources'
> & {
  /** Absent in hand-built configurations: SQLite in `dataDir`. */
  store?: StoreConfig;
  tokens: TokenConfig[];
  /** The optional ones default as the schema says (hand-built configurations may leave them out). */
  rateLimit: Pick<BridgeFile['rateLimit'], 'requestsPerMinute'> &
    Partial<Omit<BridgeFile['rateLimit'], 'requestsPerMinute'>>;
  /** Unset: the bridge's own `/docs` pages (see docs/docs-base.ts). */
  docsBaseUrl?: string;
  sources: SourceConfig[];
  /** Set by loadConfig; absent in hand-built configurations (the facade is then off). */
  facade?: FacadeConfig;
  /** Sources created through the API; absent: refused (no key). */
  managedSources?: ManagedSourcesConfig;
  /** Where the configuration came from (a file path, or null for the built-in default). */
  origin: string | null;
  /** Every secret value, for redaction in logs and errors. */
  secrets: string[];
  /** Warnings to log at start (e.g. inline secrets). */
  warnings: string[];
};
