import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { StoreOptions } from '../store/open.ts';
import { ConfigError } from './errors.ts';
import { isLoopback } from './loopback.ts';
import { type SecretRef, secretRefSchema } from './secret-ref.ts';

/**
 * Where the bridge keeps its data. SQLite in the data directory is the default: one process,
 * nothing to run beside it. PostgreSQL lets several bridges behind a load balancer share one
 * database (see the docs' "PostgreSQL and several bridges").
 */
export const storeConfigSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sqlite').meta({ description: 'The embedded store: `bridge.sqlite` in `dataDir`.' }),
    }),
    z.strictObject({
      kind: z.literal('postgres'),
      /** `postgres://user:password@host:5432/db`: a secret (it carries the password), best `{ "env": "DATABASE_URL" }`. */
      url: secretRefSchema.meta({
        description:
          'The connection URL, `postgres://user:password@host:5432/database`; it carries the password, so give it as `{ "env": NAME }` or `{ "file": PATH }`.',
      }),
      tls: z
        .strictObject({
          mode: z.enum(['verify-full', 'disable']).optional().meta({
            description:
              "`verify-full` checks the server's certificate and name (the default unless the URL's host is loopback); `disable` sends in the clear (loopback, or a private network you trust).",
          }),
          caFile: z.string().min(1).optional().meta({
            description:
              "PEM file of the CA that signed the server's certificate (default: the system's CAs).",
          }),
        })
        .prefault({})
        .meta({ description: 'TLS to the database.' }),
      poolSize: z
        .number()
        .int()
        .min(2)
        .max(100)
        .default(10)
        .meta({ description: 'Connections this bridge opens at most (each bridge has its own pool).' }),
    }),
  ])
  .prefault({ kind: 'sqlite' });
export type StoreConfigInput = z.input<typeof storeConfigSchema>;

/** The store as the bridge opens it: SQLite's file, or PostgreSQL's URL read from its secret. */
export type StoreConfig =
  | { kind: 'sqlite' }
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      tls: { mode: 'verify-full' | 'disable'; ca?: string };
    };

/**
 * Resolves the store section: reads the URL's secret and the CA file (relative to the
 * configuration file's directory).
 */
export function resolveStoreConfig(
  input: z.output<typeof storeConfigSchema>,
  readSecret: (ref: SecretRef, key: string) => string,
  baseDir: string,
): StoreConfig {
  if (input.kind === 'sqlite') return { kind: 'sqlite' };
  const url = readSecret(input.url, 'store.url');
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error('protocol');
    host = parsed.hostname;
  } catch {
    throw new ConfigError('store.url', 'not a PostgreSQL URL (postgres://user:password@host:5432/database)');
  }
  const mode = input.tls.mode ?? (host === '' || isLoopback(host) ? 'disable' : 'verify-full');
  let ca: string | undefined;
  if (input.tls.caFile !== undefined) {
    const caPath = resolve(baseDir, input.tls.caFile);
    try {
      ca = readFileSync(caPath, 'utf8');
    } catch {
      throw new ConfigError('store.tls.caFile', `cannot read ${caPath}`);
    }
  }
  return { kind: 'postgres', url, poolSize: input.poolSize, tls: { mode, ...(ca ? { ca } : {}) } };
}

/** What `openStore` needs: the configured store, and the data directory SQLite's file lives in. */
export function storeOptions(store: StoreConfig | undefined, dataDir: string): StoreOptions {
  if (!store || store.kind === 'sqlite') return { kind: 'sqlite', path: resolve(dataDir, 'bridge.sqlite') };
  return {
    kind: 'postgres',
    url: store.url,
    poolSize: store.poolSize,
    ssl:
      store.tls.mode === 'disable'
        ? false
        : { rejectUnauthorized: true, ...(store.tls.ca ? { ca: store.tls.ca } : {}) },
  };
}

/** The store section for `config print`: the URL without its password. */
export function redactedStore(store: StoreConfig | undefined): Record<string, unknown> {
  if (!store || store.kind === 'sqlite') return { kind: 'sqlite' };
  const url = new URL(store.url);
  if (url.password) url.password = '***';
  return {
    kind: 'postgres',
    url: url.toString(),
    poolSize: store.poolSize,
    tls: { mode: store.tls.mode, ca: store.tls.ca ? 'file' : 'system' },
  };
}
