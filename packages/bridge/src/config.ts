import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { assertTimeZone, resolveApiUrl } from '@forecaster/whmcs-client';
import { z } from 'zod';
import { DEFAULT_LISTEN } from './config/defaults.ts';
import { readEnv } from './config/env.ts';
import { ConfigError } from './config/errors.ts';
import { describeIssue, jsonSyntaxError } from './config/issues.ts';
import { isLoopback } from './config/loopback.ts';
import { assertEnvSecretsSet } from './config/secret-env.ts';
import { type SecretRef, secretRefSchema } from './config/secret-ref.ts';
import { redactedStore, resolveStoreConfig, type StoreConfig, storeConfigSchema } from './config/store.ts';
import { SCOPES, type Scope } from './scopes.ts';
import { type ManagedSourcesConfig, resolveManagedSources } from './sources/managed-config.ts';
import { checkDistinctTokens, checkTokenLength, legacyTokenWarning, type TokenEntry } from './token-rules.ts';

export { isLoopback } from './config/loopback.ts';
export { type SecretRef, secretRefSchema } from './config/secret-ref.ts';

export { ConfigError };

/*
 * The bridge's configuration: one zod schema for the JSON file, plus environment
 * overrides, parsed once at start. Secrets are references ({ env } or { file }); an inline
 * secret is allowed with a warning. A bad value fails fast, naming its key.
 */

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `30s`, `5m`, `24h`, `1d`, or a number of seconds. */
export const durationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'a duration like 30s, 5m, 24h or 1d'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value * 1000;
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value)!;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    return Math.round(Number(m[1]) * unit);
  });

/** A minimum for a duration (in ms after the transform): a schedule of 1 ms would hammer WHMCS. */
function atLeast(ms: number, words: string) {
  return z.number().min(ms, `at least ${words}`);
}

export const sourceConfigSchema = z
  .strictObject({
    /** Stable id of the installation; part of every invoice's key. Do not change it once synced. */
    id: z
      .string()
      .regex(ID, 'lower-case letters, digits, - and _ (at most 63), starting with a letter or digit'),
    /** Display name; defaults to the id. */
    name: z.string().min(1).optional(),
    /** The WHMCS root or its `includes/api.php` URL (in a subdirectory or not). */
    url: z.string().min(1),
    /** API identifier and secret, or (WHMCS before 7.2) an admin username and password. */
    credentials: z.union([
      z.strictObject({ identifier: z.string().min(1), secret: secretRefSchema }),
      z.strictObject({ username: z.string().min(1), password: secretRefSchema }),
    ]),
    /** `$api_access_key` from WHMCS's configuration.php: lets calls skip the IP allowlist. */
    accessKey: secretRefSchema.optional(),
    /** IANA zone of the WHMCS server (e.g. `Europe/Berlin`): WHMCS's datetimes carry no zone. */
    timeZone: z.string().default('UTC'),
    /** Invoices per GetInvoices call. Huge pages can exhaust PHP's memory on the WHMCS side. */
    pageSize: z.number().int().min(1).max(1000).default(250),
    /** GetInvoices calls in flight at once: be polite, WHMCS builds every page in memory. */
    concurrency: z.number().int().min(1).max(8).default(2),
    /** Time allowed for one call to WHMCS, per attempt, in milliseconds. */
    timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** The schedule: an incremental sync reads what changed, a full one reads every invoice again. */
    sync: z
      .strictObject({
        /** How often to read new invoices and every open one (default 5m, at least 1m). */
        incrementalEvery: durationSchema.prefault('5m').pipe(atLeast(60_000, '1 minute')),
        /** How often to read every invoice again (default 24h, at least 1h): catches changes to paid ones, and deletions. */
        fullEvery: durationSchema.prefault('24h').pipe(atLeast(3_600_000, '1 hour')),
        /** The largest share of the stored invoices one run may delete (default 0.1); above it the run fails and deletes nothing. */
        maxDeleteShare: z.number().min(0).max(1).optional(),
        /** Lets a run delete more than maxDeleteShare (what `bridge sync --allow-mass-delete` does once). */
        allowMassDelete: z.boolean().optional(),
      })
      .prefault({}),
    /** TLS to WHMCS is always verified; a private CA can be added. */
    tls: z
      .strictObject({
        /** A PEM file of extra CAs to trust, for WHMCS behind a private CA. */
        caFile: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Plain http:// to a host that is not loopback is refused unless this is true. */
    allowInsecureHttp: z.boolean().default(false),
  })
  .superRefine((source, ctx) => {
    let url: URL;
    try {
      url = resolveApiUrl(source.url);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: (err as Error).message.replace(/^url: /, '') });
      return;
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname) && !source.allowInsecureHttp) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message:
          'plain http:// sends the API secret unencrypted: use https://, or set allowInsecureHttp: true for this source',
      });
    }
    try {
      assertTimeZone(source.timeZone);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: (err as Error).message.replace(/^timeZone: /, ''),
      });
    }
  });
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;

/** What the token may do; without it, the rights tokens had before scopes (warned about). */
const tokenScopesSchema = z.array(z.enum(SCOPES)).min(1).optional();

const tokenSchema = z.union([
  z.strictObject({
    /** A name for the token; logs and rate limits use it, never the token. */
    name: z.string().min(1),
    /** The token itself (from the environment or a file, preferably), at least 32 characters. */
    token: secretRefSchema,
    scopes: tokenScopesSchema,
  }),
  z.strictObject({
    /** A name for the token; logs and rate limits use it, never the token. */
    name: z.string().min(1),
    /** The hex SHA-256 of the token, so that the file need not hold the token. */
    sha256: z.string().regex(/^[a-f0-9]{64}$/i, 'the hex SHA-256 of the token'),
    scopes: tokenScopesSchema,
  }),
]);

/** An address as WHMCS lists them: exact IPv4 or IPv6, no ranges. */
const ipSchema = z
  .string()
  .refine((ip) => isIP(ip) !== 0, 'an exact IPv4 or IPv6 address (no ranges, as in WHMCS)');

/** A credential the bridge's WHMCS facade accepts, as WHMCS API credentials are sent. */
const facadeCredentialSchema = z
  .strictObject({
    identifier: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII without spaces (at most 128)'),
    secret: secretRefSchema.optional(),
    secretSha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/i, 'the hex SHA-256 of the secret')
      .optional(),
    /** Source ids this credential may read (default: every source). */
    sources: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((credential, ctx) => {
    if ((credential.secret === undefined) === (credential.secretSha256 === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of secret and secretSha256' });
    }
  });

/**
 * The WHMCS facade: `/whmcs/<source>/includes/api.php` answers GetInvoices from the store, for
 * modules that speak to WHMCS directly. Off until a credential is configured.
 */
export const facadeConfigSchema = z.strictObject({
  credentials: z.array(facadeCredentialSchema).min(1),
  /** WHMCS's "API IP Access Restriction": only these callers (default: any caller). */
  allowlist: z.array(ipSchema).min(1).optional(),
  /**
   * Reverse proxies in front of the bridge: from these, the caller is the address they append
   * to X-Forwarded-For (for the allowlist and the failed-login ban).
   */
  trustedProxies: z.array(ipSchema).default([]),
  /** WHMCS's failed-login ban; `false` turns it off. */
  ban: z
    .union([
      z.literal(false),
      z.strictObject({
        threshold: z.number().int().min(1).max(100).default(3),
        window: durationSchema.prefault('30m'),
        duration: durationSchema.prefault('15m'),
      }),
    ])
    .prefault({}),
});
export type FacadeConfigInput = z.input<typeof facadeConfigSchema>;

export const bridgeConfigSchema = z
  .strictObject({
    /** Where the API listens: loopback by default, so nothing outside this host reaches it. */
    listen: z
      .strictObject({
        /** Address to listen on; `0.0.0.0` for every interface (in a container, behind a proxy). */
        host: z.string().min(1).default(DEFAULT_LISTEN.host),
        /** Port to listen on (`PORT` overrides); 0 picks a free one. */
        port: z.number().int().min(0).max(65_535).default(DEFAULT_LISTEN.port),
      })
      .prefault({}),
    /** Directory of the SQLite store (`bridge.sqlite`), relative to the configuration file. */
    dataDir: z.string().min(1).default('./data'),
    /** Where the data lives: SQLite in `dataDir` (default), or PostgreSQL for several bridges. */
    store: storeConfigSchema,
    /** API tokens the Forecaster presents as `Authorization: Bearer <token>`. */
    tokens: z.array(tokenSchema).default([]),
    /** Cross-origin requests from browsers: off unless origins are listed. */
    cors: z
      .strictObject({
        /** Browser origins allowed to call the API, e.g. `https://forecaster.example.com`. */
        origins: z.array(z.string().url()).default([]),
      })
      .prefault({}),
    /** Per-token request rate limit of the API. */
    rateLimit: z
      .strictObject({
        /** Requests per minute per token before `429 rate_limited`. */
        requestsPerMinute: z.number().int().min(1).default(600),
        /** Failed authentications per minute per client address before every request from it gets `429`. */
        failedAuthPerMinute: z.number().int().min(1).max(1000).default(10),
        /** Reverse proxies in front of the API: from these, the client is the address they append to X-Forwarded-For. */
        trustedProxies: z.array(ipSchema).default([]),
      })
      .prefault({}),
    /** Structured logs; secrets are redacted from every line. */
    log: z
      .strictObject({
        /** Least severe level logged (`BRIDGE_LOG_LEVEL` overrides). */
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
        /** `json` lines, `pretty` for people, or `auto`: pretty on a terminal, JSON otherwise. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .prefault({}),
    /**
     * Where error messages link to (`<docsBaseUrl>/troubleshooting#<code>`): a published copy of
     * the docs site. Unset, they link to the pages the bridge serves itself under `/docs`.
     */
    docsBaseUrl: z.string().url().optional(),
    /** The WHMCS installations to sync. */
    sources: z.array(sourceConfigSchema).default([]),
    /** The WHMCS-compatible GetInvoices endpoint for modules that talk to WHMCS directly; off by default. */
    facade: facadeConfigSchema.optional(),
    /** Sources created through the API: the key sealing their secrets, and private networks they may reach. */
    managedSources: z
      .strictObject({
        /** 32 random bytes, base64 or hex (`openssl rand -base64 32`); without it the API refuses managed sources. */
        key: secretRefSchema.optional(),
        /** The key before `rotate-sources-key`: still opens secrets sealed under it. */
        previousKey: secretRefSchema.optional(),
        /** Private networks (CIDR) a managed source may point at; none by default. */
        allowPrivateNetworks: z.array(z.string()).default([]),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'id'],
          message: `duplicate source id "${source.id}"`,
        });
      }
      seen.add(source.id);
    });
    const identifiers = new Set<string>();
    config.facade?.credentials.forEach((credential, i) => {
      const key = ['facade', 'credentials', i];
      if (identifiers.has(credential.identifier)) {
        ctx.addIssue({
          code: 'custom',
          path: [...key, 'identifier'],
          message: `duplicate identifier "${credential.identifier}"`,
        });
      }
      identifiers.add(credential.identifier);
      credential.sources?.forEach((id, j) => {
        if (!seen.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [...key, 'sources', j],
            message: `no source has the id "${id}"`,
          });
        }
      });
    });
  });
export type BridgeConfigFile = z.input<typeof bridgeConfigSchema>;

/** A source with its secrets read. */
export interface SourceConfig {
  id: string;
  name: string;
  url: string;
  credentials: { identifier: string; secret: string } | { username: string; password: string };
  accessKey?: string;
  timeZone: string;
  pageSize: number;
  concurrency: number;
  timeoutMs: number;
  sync: { incrementalEvery: number; fullEvery: number; maxDeleteShare?: number; allowMassDelete?: boolean };
  tls: { caFile?: string; ca?: string };
  allowInsecureHttp: boolean;
}

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
export interface BridgeConfig {
  listen: { host: string; port: number };
  dataDir: string;
  /** Absent in hand-built configurations: SQLite in `dataDir`. */
  store?: StoreConfig;
  tokens: TokenConfig[];
  cors: { origins: string[] };
  rateLimit: {
    requestsPerMinute: number;
    /** Default 10; see the schema. */
    failedAuthPerMinute?: number;
    trustedProxies?: string[];
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'; format: 'auto' | 'json' | 'pretty' };
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
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface LoadOptions {
  /** Path of the JSON file (`--config`); else BRIDGE_CONFIG; else none. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Used instead of a file when neither `path` nor BRIDGE_CONFIG is given. */
  fallback?: BridgeConfigFile;
}

/**
 * Reads, validates and resolves the configuration. Environment overrides: PORT, BRIDGE_HOST,
 * BRIDGE_DATA_DIR, BRIDGE_LOG_LEVEL, BRIDGE_TOKEN (one more token), BRIDGE_TOKENS_FILE (one
 * token per line). Throws a ConfigError naming the bad key.
 */
export function loadConfig(options: LoadOptions = {}): BridgeConfig {
  const env = options.env ?? process.env;
  const vars = readEnv(env);
  const path = options.path ?? vars.BRIDGE_CONFIG;
  let input: unknown = options.fallback ?? {};
  let baseDir = process.cwd();
  if (path) {
    const file = resolve(path);
    if (!existsSync(file)) throw new ConfigError('', `configuration file ${file} does not exist`);
    baseDir = dirname(file);
    const text = readFileSync(file, 'utf8');
    try {
      input = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        '',
        `configuration file ${file} is not valid JSON: ${jsonSyntaxError(text, err as Error)}`,
      );
    }
  }
  const parsed = bridgeConfigSchema.safeParse(input);
  if (!parsed.success) {
    const { key, message } = describeIssue(bridgeConfigSchema, parsed.error.issues, input);
    throw new ConfigError(key, key || !message.startsWith('must') ? message : `the configuration ${message}`);
  }
  const file = parsed.data;
  assertEnvSecretsSet(file, env);
  const warnings: string[] = [];
  const secrets: string[] = [];

  const readSecret = (ref: SecretRef, key: string): string => {
    let value: string;
    if (typeof ref === 'string') {
      warnings.push(
        `${key} is written inline in the configuration: prefer { "env": NAME } or { "file": PATH }`,
      );
      value = ref;
    } else if ('env' in ref) {
      const fromEnv = env[ref.env];
      if (fromEnv === undefined || fromEnv === '') {
        throw new ConfigError(`${key}.env`, `environment variable ${ref.env} is not set`);
      }
      value = fromEnv;
    } else {
      const secretPath = resolve(baseDir, ref.file);
      try {
        value = readFileSync(secretPath, 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new ConfigError(`${key}.file`, `cannot read ${secretPath}`);
      }
    }
    if (value.trim() !== value) {
      warnings.push(`${key} has leading or trailing white space: was it copied with a space?`);
    }
    secrets.push(value);
    return value;
  };

  const sources: SourceConfig[] = file.sources.map((source, i) => {
    const key = `sources[${i}]`;
    const credentials =
      'identifier' in source.credentials
        ? {
            identifier: source.credentials.identifier,
            secret: readSecret(source.credentials.secret, `${key}.credentials.secret`),
          }
        : {
            username: source.credentials.username,
            password: readSecret(source.credentials.password, `${key}.credentials.password`),
          };
    let ca: string | undefined;
    if (source.tls.caFile) {
      const caPath = resolve(baseDir, source.tls.caFile);
      try {
        ca = readFileSync(caPath, 'utf8');
      } catch {
        throw new ConfigError(`${key}.tls.caFile`, `cannot read ${caPath}`);
      }
    }
    return {
      id: source.id,
      name: source.name ?? source.id,
      url: source.url,
      credentials,
      ...(source.accessKey ? { accessKey: readSecret(source.accessKey, `${key}.accessKey`) } : {}),
      timeZone: source.timeZone,
      pageSize: source.pageSize,
      concurrency: source.concurrency,
      timeoutMs: source.timeoutMs,
      sync: source.sync,
      tls: { ...(source.tls.caFile ? { caFile: resolve(baseDir, source.tls.caFile), ca } : {}) },
      allowInsecureHttp: source.allowInsecureHttp,
    };
  });

  const tokenEntries: TokenEntry[] = file.tokens.map((token, i) => {
    const key = `tokens[${i}]`;
    const scopes = token.scopes ? { scopes: [...new Set(token.scopes)] } : {};
    if (!token.scopes) warnings.push(legacyTokenWarning(token.name, key));
    if ('sha256' in token) {
      return { name: token.name, sha256: Buffer.from(token.sha256, 'hex'), key, ...scopes };
    }
    const value = readSecret(token.token, `${key}.token`);
    checkTokenLength(value, `${key}.token`);
    return { name: token.name, sha256: sha256(value), key, ...scopes };
  });
  if (vars.BRIDGE_TOKEN) {
    secrets.push(vars.BRIDGE_TOKEN);
    checkTokenLength(vars.BRIDGE_TOKEN, 'BRIDGE_TOKEN');
    tokenEntries.push({ name: 'BRIDGE_TOKEN', sha256: sha256(vars.BRIDGE_TOKEN), key: 'BRIDGE_TOKEN' });
    warnings.push(legacyTokenWarning('BRIDGE_TOKEN', 'BRIDGE_TOKEN'));
  }
  if (vars.BRIDGE_TOKENS_FILE) {
    let lines: string[];
    try {
      lines = readFileSync(vars.BRIDGE_TOKENS_FILE, 'utf8').split(/\r?\n/);
    } catch {
      throw new ConfigError('BRIDGE_TOKENS_FILE', `cannot read ${vars.BRIDGE_TOKENS_FILE}`);
    }
    lines
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .forEach((line, i) => {
        secrets.push(line);
        checkTokenLength(line, 'BRIDGE_TOKENS_FILE');
        tokenEntries.push({
          name: `BRIDGE_TOKENS_FILE#${i + 1}`,
          sha256: sha256(line),
          key: 'BRIDGE_TOKENS_FILE',
        });
        warnings.push(legacyTokenWarning(`BRIDGE_TOKENS_FILE#${i + 1}`, 'BRIDGE_TOKENS_FILE'));
      });
  }
  checkDistinctTokens(tokenEntries);
  const tokens: TokenConfig[] = tokenEntries.map(({ key: _, ...token }) => token);

  const facade = resolveFacade(
    file.facade,
    readSecret,
    [
      ...sources.flatMap((source) => [
        'secret' in source.credentials ? source.credentials.secret : source.credentials.password,
        ...(source.accessKey ? [source.accessKey] : []),
      ]),
    ].map(sha256),
    tokens.map((token) => token.sha256),
  );

  return {
    listen: { host: vars.BRIDGE_HOST ?? file.listen.host, port: vars.PORT ?? file.listen.port },
    dataDir: resolve(baseDir, vars.BRIDGE_DATA_DIR ?? file.dataDir),
    store: resolveStoreConfig(file.store, readSecret, baseDir),
    tokens,
    cors: file.cors,
    rateLimit: file.rateLimit,
    log: { level: vars.BRIDGE_LOG_LEVEL ?? file.log.level, format: file.log.format },
    ...(file.docsBaseUrl ? { docsBaseUrl: file.docsBaseUrl } : {}),
    sources,
    facade,
    managedSources: resolveManagedSources(file.managedSources, readSecret),
    origin: path ? resolve(path) : null,
    secrets,
    warnings,
  };
}

/** Facade secrets shorter than this are refused: they face the network through the module's host. */
const MIN_FACADE_SECRET = 16;

/**
 * The facade's credentials, hashed. A secret that is also a WHMCS secret, access key or API token
 * is refused: the facade must never become a way in with those (nor they a way into the facade).
 */
function resolveFacade(
  input: z.output<typeof facadeConfigSchema> | undefined,
  readSecret: (ref: SecretRef, key: string) => string,
  whmcsSecretHashes: Buffer[],
  tokenHashes: Buffer[],
): FacadeConfig {
  if (!input) return { credentials: [], allowlist: null, trustedProxies: [], ban: null };
  const credentials = input.credentials.map((credential, i): FacadeCredential => {
    const key = `facade.credentials[${i}]`;
    let hash: Buffer;
    let secretKey: string;
    if (credential.secret !== undefined) {
      secretKey = `${key}.secret`;
      const secret = readSecret(credential.secret, secretKey);
      if (secret.length < MIN_FACADE_SECRET) {
        throw new ConfigError(
          secretKey,
          `at least ${MIN_FACADE_SECRET} characters; generate one with: openssl rand -hex 24`,
        );
      }
      hash = sha256(secret);
    } else {
      secretKey = `${key}.secretSha256`;
      hash = Buffer.from(credential.secretSha256!, 'hex');
    }
    if (whmcsSecretHashes.some((h) => h.equals(hash))) {
      throw new ConfigError(secretKey, 'is a WHMCS secret of a source: issue the facade its own secret');
    }
    if (tokenHashes.some((h) => h.equals(hash))) {
      throw new ConfigError(secretKey, 'is a bridge API token: issue the facade its own secret');
    }
    return { identifier: credential.identifier, secretSha256: hash, sources: credential.sources ?? null };
  });
  return {
    credentials,
    allowlist: input.allowlist ?? null,
    trustedProxies: input.trustedProxies,
    ban:
      input.ban === false
        ? null
        : { threshold: input.ban.threshold, windowMs: input.ban.window, durationMs: input.ban.duration },
  };
}

/** The effective configuration for `forecaster-bridge config print`: every secret replaced by `***`. */
export function redactedConfig(config: BridgeConfig): Record<string, unknown> {
  return {
    origin: config.origin,
    listen: config.listen,
    dataDir: config.dataDir,
    store: redactedStore(config.store),
    tokens: config.tokens.map((t) => ({
      name: t.name,
      sha256: '***',
      ...(t.scopes ? { scopes: t.scopes } : {}),
    })),
    cors: config.cors,
    rateLimit: config.rateLimit,
    log: config.log,
    docsBaseUrl: config.docsBaseUrl,
    sources: config.sources.map((s) => ({
      id: s.id,
      name: s.name,
      url: s.url,
      credentials:
        'identifier' in s.credentials
          ? { identifier: s.credentials.identifier, secret: '***' }
          : { username: s.credentials.username, password: '***' },
      ...(s.accessKey ? { accessKey: '***' } : {}),
      timeZone: s.timeZone,
      pageSize: s.pageSize,
      concurrency: s.concurrency,
      timeoutMs: s.timeoutMs,
      sync: s.sync,
      tls: s.tls.caFile ? { caFile: s.tls.caFile } : {},
      allowInsecureHttp: s.allowInsecureHttp,
    })),
    ...(config.facade && config.facade.credentials.length > 0
      ? {
          facade: {
            credentials: config.facade.credentials.map((c) => ({
              identifier: c.identifier,
              secretSha256: '***',
              ...(c.sources ? { sources: c.sources } : {}),
            })),
            allowlist: config.facade.allowlist,
            trustedProxies: config.facade.trustedProxies,
            ban: config.facade.ban,
          },
        }
      : {}),
  };
}
