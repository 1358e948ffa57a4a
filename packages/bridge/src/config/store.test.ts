import { describe, expect, it } from 'vitest';
import { type BridgeConfigFile, ConfigError, loadConfig, redactedConfig } from '../config.ts';
import { storeOptions } from './store.ts';

const SECRET = 'Whmcs-Secret-Capybara-2290';
const PASSWORD = 'Pg-Password-Okapi-7781';
const base = {
  sources: [
    {
      id: 'main',
      url: 'https://billing.example.com/',
      credentials: { identifier: 'I', secret: { env: 'S' } },
    },
  ],
};
const load = (store: unknown, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ fallback: { ...base, store } as BridgeConfigFile, env: { S: SECRET, ...env } });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the store section', () => {
  it('is SQLite in the data directory unless PostgreSQL is asked for', () => {
    const config = loadConfig({ fallback: base as BridgeConfigFile, env: { S: SECRET } });
    expect(config.store).toEqual({ kind: 'sqlite' });
    expect(storeOptions(config.store, '/var/lib/fb')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/fb/bridge.sqlite',
    });
  });

  it('reads the PostgreSQL URL from its secret, verifies TLS off loopback, and redacts the password', () => {
    const remote = `postgres://bridge:${PASSWORD}@db.internal:5432/bridge`;
    const config = load(
      { kind: 'postgres', url: { env: 'DATABASE_URL' }, poolSize: 4 },
      { DATABASE_URL: remote },
    );
    expect(config.store).toEqual({
      kind: 'postgres',
      url: remote,
      poolSize: 4,
      tls: { mode: 'verify-full' },
    });
    expect(storeOptions(config.store, '/x')).toMatchObject({
      kind: 'postgres',
      ssl: { rejectUnauthorized: true },
    });
    expect(config.secrets).toContain(remote);
    const printed = JSON.stringify(redactedConfig(config));
    expect(printed).not.toContain(PASSWORD);
    expect(printed).toContain('db.internal');
    const local = load(
      { kind: 'postgres', url: { env: 'DATABASE_URL' } },
      { DATABASE_URL: 'postgres://b@127.0.0.1/b' },
    );
    expect(local.store).toMatchObject({ poolSize: 10, tls: { mode: 'disable' } });
    expect(storeOptions(local.store, '/x')).toMatchObject({ ssl: false });
  });

  it('names the key of what is wrong', () => {
    expect(errorOf(() => load({ kind: 'postgres', url: { env: 'DATABASE_URL' } })).key).toBe('store.url.env');
    expect(errorOf(() => load({ kind: 'postgres', url: { env: 'U' } }, { U: 'mysql://x@y/z' })).key).toBe(
      'store.url',
    );
    expect(
      errorOf(() => load({ kind: 'postgres', url: { env: 'U' }, poolSize: 1 }, { U: 'postgres://x@y/z' }))
        .key,
    ).toBe('store.poolSize');
    expect(errorOf(() => load({ kind: 'mysql' })).key).toBe('store.kind');
    expect(
      errorOf(() =>
        load(
          { kind: 'postgres', url: { env: 'U' }, tls: { caFile: '/nonexistent/ca.pem' } },
          { U: 'postgres://x@y/z' },
        ),
      ).key,
    ).toBe('store.tls.caFile');
  });
});
