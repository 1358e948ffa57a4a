import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/harness.ts';
import { type BridgeConfigFile, ConfigError, loadConfig, redactedConfig, sha256 } from './config.ts';

const SECRET = 'Whmcs-Secret-Capybara-2290';
const source = (extra: Record<string, unknown> = {}) => ({
  id: 'main',
  url: 'https://billing.example.com/',
  credentials: { identifier: 'IDENT', secret: { env: 'WHMCS_SECRET' } },
  ...extra,
});

function load(file: unknown, env: NodeJS.ProcessEnv = { WHMCS_SECRET: SECRET }) {
  return loadConfig({ fallback: file as BridgeConfigFile, env });
}

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).key;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults: loopback, port 8787, ./data, polite paging', () => {
    const config = load({ sources: [source()] });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(config.sources[0]).toMatchObject({
      name: 'main',
      timeZone: 'UTC',
      pageSize: 250,
      concurrency: 2,
      timeoutMs: 30_000,
      sync: { incrementalEvery: 300_000, fullEvery: 86_400_000 },
      credentials: { identifier: 'IDENT', secret: SECRET },
    });
    expect(config.warnings).toEqual([]);
  });

  it('reads secrets from the environment and from files, and warns about inline ones', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
    writeFileSync(
      join(dir, 'bridge.json'),
      JSON.stringify({ sources: [source({ credentials: { identifier: 'I', secret: { file: 'secret' } } })] }),
    );
    const fromFile = loadConfig({ path: join(dir, 'bridge.json'), env: {} });
    expect(fromFile.sources[0]?.credentials).toEqual({ identifier: 'I', secret: SECRET });
    expect(fromFile.dataDir).toBe(join(dir, 'data')); // relative to the configuration file
    const inline = load({ sources: [source({ credentials: { identifier: 'I', secret: SECRET } })] });
    expect(inline.warnings.join()).toMatch(/sources\[0\]\.credentials\.secret is written inline/);
    const spaced = load({ sources: [source()] }, { WHMCS_SECRET: `${SECRET} ` });
    expect(spaced.warnings.join()).toMatch(/white space/);
  });

  it('environment overrides: PORT, BRIDGE_HOST, BRIDGE_DATA_DIR, BRIDGE_LOG_LEVEL, BRIDGE_TOKEN, BRIDGE_TOKENS_FILE', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'tokens'),
      '# one per line\ntok-one-aaaa-long-enough-for-the-rules\n\ntok-two-bbbb-long-enough-for-the-rules\n',
    );
    const config = load(
      { sources: [source()], tokens: [{ name: 'hashed', sha256: sha256('tok-zero').toString('hex') }] },
      {
        WHMCS_SECRET: SECRET,
        PORT: '9999',
        BRIDGE_HOST: '0.0.0.0',
        BRIDGE_DATA_DIR: dir,
        BRIDGE_LOG_LEVEL: 'debug',
        BRIDGE_TOKEN: 'tok-env-cccc-long-enough-for-the-rules',
        BRIDGE_TOKENS_FILE: join(dir, 'tokens'),
      },
    );
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9999 });
    expect(config.dataDir).toBe(dir);
    expect(config.log.level).toBe('debug');
    expect(config.tokens.map((t) => t.name)).toEqual([
      'hashed',
      'BRIDGE_TOKEN',
      'BRIDGE_TOKENS_FILE#1',
      'BRIDGE_TOKENS_FILE#2',
    ]);
    expect(config.tokens[1]?.sha256.equals(sha256('tok-env-cccc-long-enough-for-the-rules'))).toBe(true);
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        SECRET,
        'tok-env-cccc-long-enough-for-the-rules',
        'tok-one-aaaa-long-enough-for-the-rules',
        'tok-two-bbbb-long-enough-for-the-rules',
      ]),
    );
  });

  it('names the bad key', () => {
    expect(keyOf(() => load({ sources: [source({ pageSize: 0 })] }))).toBe('sources[0].pageSize');
    expect(keyOf(() => load({ sources: [source({ concurrency: 50 })] }))).toBe('sources[0].concurrency');
    expect(keyOf(() => load({ sources: [source({ timeZone: 'Mars/Olympus' })] }))).toBe(
      'sources[0].timeZone',
    );
    expect(keyOf(() => load({ sources: [source({ url: 'not a url' })] }))).toBe('sources[0].url');
    expect(keyOf(() => load({ sources: [source({ sync: { incrementalEvery: 'often' } })] }))).toBe(
      'sources[0].sync.incrementalEvery',
    );
    expect(keyOf(() => load({ sources: [source({ id: 'Bad Id' })] }))).toBe('sources[0].id');
    expect(keyOf(() => load({ sources: [source(), source()] }))).toBe('sources[1].id');
    expect(keyOf(() => load({ sources: [source({ typo: 1 })] }))).toBe('sources[0].typo');
    expect(keyOf(() => load({ sources: [source()] }, {}))).toBe('sources[0].credentials.secret.env');
    expect(keyOf(() => load({ sources: [source()] }, { WHMCS_SECRET: SECRET, PORT: 'eighty' }))).toBe('PORT');
    expect(keyOf(() => load({ listen: { port: 70000 } }))).toBe('listen.port');
    // Inside a union, the alternative that got furthest names the key.
    expect(keyOf(() => load({ tokens: [{ name: 'forecaster' }] }))).toBe('tokens[0].token');
    expect(
      keyOf(() =>
        load({ sources: [source({ credentials: { identifier: 'I', secret: { env: 'lower case' } } })] }),
      ),
    ).toBe('sources[0].credentials.secret.env');
    expect(keyOf(() => load({ sources: [source({ tls: { caFile: '/nope/ca.pem' } })] }))).toBe(
      'sources[0].tls.caFile',
    );
  });

  it('refuses plain http:// except to loopback or with an explicit opt-in', () => {
    expect(keyOf(() => load({ sources: [source({ url: 'http://billing.example.com/' })] }))).toBe(
      'sources[0].url',
    );
    expect(() => load({ sources: [source({ url: 'http://127.0.0.1:8080/' })] })).not.toThrow();
    expect(() => load({ sources: [source({ url: 'http://[::1]:8080/' })] })).not.toThrow();
    expect(() => load({ sources: [source({ url: 'http://localhost/whmcs/' })] })).not.toThrow();
    expect(() =>
      load({ sources: [source({ url: 'http://billing.example.com/', allowInsecureHttp: true })] }),
    ).not.toThrow();
  });

  it('a missing or malformed file is a ConfigError', () => {
    const dir = tempDir();
    expect(() => loadConfig({ path: join(dir, 'missing.json'), env: {} })).toThrow(/does not exist/);
    writeFileSync(join(dir, 'bad.json'), '{ "sources": [ }');
    expect(() => loadConfig({ path: join(dir, 'bad.json'), env: {} })).toThrow(/not valid JSON/);
  });

  it('config print redacts every secret', () => {
    const config = load(
      {
        sources: [
          source({ accessKey: { env: 'KEY' } }),
          source({ id: 'legacy', credentials: { username: 'admin', password: { env: 'PASS' } } }),
        ],
        tokens: [{ name: 't', token: { env: 'TOKEN' } }],
      },
      {
        WHMCS_SECRET: SECRET,
        KEY: 'Access-Key-Marmot-7',
        PASS: 'Legacy-Pass-Ibis-3',
        TOKEN: 'Token-Heron-5-long-enough-for-the-rules',
      },
    );
    const printed = JSON.stringify(redactedConfig(config));
    for (const secret of [
      SECRET,
      'Access-Key-Marmot-7',
      'Legacy-Pass-Ibis-3',
      'Token-Heron-5-long-enough-for-the-rules',
      sha256('Token-Heron-5-long-enough-for-the-rules').toString('hex'),
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain('"identifier":"IDENT"');
    expect(printed).toContain('"secret":"***"');
  });
});

describe('config print: managedSources', () => {
  it('shows where each key is read from and its id, never the key', () => {
    const dir = tempDir();
    const current = 'q3CGnQ2lCwqUuV0yRk3n2uZfx8wD7m5GSn0a9rH1e2M=';
    const previous = 'a'.repeat(64);
    writeFileSync(join(dir, 'old.key'), `${previous}\n`);
    const config = loadConfig({
      fallback: {
        sources: [source()],
        managedSources: {
          key: { env: 'MANAGED_KEY' },
          previousKey: { file: join(dir, 'old.key') },
          allowPrivateNetworks: ['10.0.0.0/8'],
        },
      },
      env: { WHMCS_SECRET: SECRET, MANAGED_KEY: current },
    });
    const printed = redactedConfig(config);
    expect(printed.managedSources).toEqual({
      key: { from: { env: 'MANAGED_KEY' }, id: config.managedSources!.ring!.current.id },
      previousKey: { from: { file: join(dir, 'old.key') }, id: config.managedSources!.ring!.previous!.id },
      allowPrivateNetworks: ['10.0.0.0/8'],
    });
    const text = JSON.stringify(printed);
    for (const key of [current, previous, Buffer.from(current, 'base64').toString('hex')]) {
      expect(text).not.toContain(key);
    }
    // Without a key: shown as off, not left out.
    expect(redactedConfig(load({ sources: [source()], managedSources: {} })).managedSources).toEqual({
      key: null,
      allowPrivateNetworks: [],
    });
  });
});

describe('facade', () => {
  const FACADE_SECRET = 'Facade-Secret-Pangolin-4417';
  const env = { WHMCS_SECRET: SECRET, FACADE_SECRET };

  it('is off without credentials, and keeps each secret only as its SHA-256', () => {
    expect(load({ sources: [source()] }).facade).toEqual({
      credentials: [],
      allowlist: null,
      trustedProxies: [],
      ban: null,
    });
    const hashed = sha256('Another-Facade-Secret-88').toString('hex');
    const config = load(
      {
        sources: [source()],
        facade: {
          credentials: [
            { identifier: 'forecaster', secret: { env: 'FACADE_SECRET' } },
            { identifier: 'reports', secretSha256: hashed.toUpperCase(), sources: ['main'] },
          ],
          allowlist: ['203.0.113.9', '2001:db8::1'],
        },
      },
      env,
    );
    const facade = config.facade!;
    expect(facade.credentials.map((c) => [c.identifier, c.sources])).toEqual([
      ['forecaster', null],
      ['reports', ['main']],
    ]);
    expect(facade.credentials[0]!.secretSha256.equals(sha256(FACADE_SECRET))).toBe(true);
    expect(facade.credentials[1]!.secretSha256.toString('hex')).toBe(hashed);
    // WHMCS's defaults: three failures in 30 minutes ban for 15 minutes.
    expect(facade.ban).toEqual({ threshold: 3, windowMs: 1_800_000, durationMs: 900_000 });
    expect(facade.allowlist).toEqual(['203.0.113.9', '2001:db8::1']);
    // The plain secret is nowhere in the resolved facade, only in the redaction list.
    expect(JSON.stringify(facade)).not.toContain(FACADE_SECRET);
    expect(config.secrets).toContain(FACADE_SECRET);
    const off = load(
      {
        sources: [source()],
        facade: { credentials: [{ identifier: 'f', secret: { env: 'FACADE_SECRET' } }], ban: false },
      },
      env,
    );
    expect(off.facade?.ban).toBeNull();
  });

  it('names the bad key', () => {
    const facade = (extra: Record<string, unknown>, credential: Record<string, unknown> = {}) => ({
      sources: [source()],
      facade: {
        credentials: [{ identifier: 'f', secret: { env: 'FACADE_SECRET' }, ...credential }],
        ...extra,
      },
    });
    expect(keyOf(() => load(facade({}, { secretSha256: 'ab'.repeat(32) }), env))).toBe(
      'facade.credentials[0]',
    );
    expect(keyOf(() => load(facade({}, { secret: undefined }), env))).toBe('facade.credentials[0]');
    expect(keyOf(() => load(facade({}, { secretSha256: 'nothex', secret: undefined }), env))).toBe(
      'facade.credentials[0].secretSha256',
    );
    expect(keyOf(() => load(facade({}, { sources: ['elsewhere'] }), env))).toBe(
      'facade.credentials[0].sources[0]',
    );
    expect(keyOf(() => load(facade({}, { identifier: 'has space' }), env))).toBe(
      'facade.credentials[0].identifier',
    );
    expect(keyOf(() => load(facade({ allowlist: ['10.0.0.0/8'] }), env))).toBe('facade.allowlist[0]');
    expect(keyOf(() => load(facade({ allowlist: [] }), env))).toBe('facade.allowlist');
    expect(keyOf(() => load(facade({ typo: true }), env))).toBe('facade.typo');
    expect(keyOf(() => load(facade({}), { WHMCS_SECRET: SECRET }))).toBe('facade.credentials[0].secret.env');
    expect(keyOf(() => load(facade({}), { WHMCS_SECRET: SECRET, FACADE_SECRET: 'short' }))).toBe(
      'facade.credentials[0].secret',
    );
    const twice = {
      sources: [source()],
      facade: {
        credentials: [
          { identifier: 'f', secret: { env: 'FACADE_SECRET' } },
          { identifier: 'f', secretSha256: 'ab'.repeat(32) },
        ],
      },
    };
    expect(keyOf(() => load(twice, env))).toBe('facade.credentials[1].identifier');
  });

  it('refuses a facade secret that is a WHMCS secret, an access key or an API token', () => {
    const withSecret = (secret: unknown, extra: Record<string, unknown> = {}) => ({
      sources: [source({ accessKey: { env: 'KEY' } })],
      facade: { credentials: [{ identifier: 'f', ...(secret as object) }] },
      ...extra,
    });
    const envs = {
      ...env,
      KEY: 'Access-Key-Marmot-7-long',
      BRIDGE_TOKEN: 'Token-Heron-5-long-enough-for-the-rules',
    };
    expect(() => load(withSecret({ secret: { env: 'WHMCS_SECRET' } }), envs)).toThrow(/WHMCS secret/);
    expect(() => load(withSecret({ secretSha256: sha256(SECRET).toString('hex') }), envs)).toThrow(
      /WHMCS secret/,
    );
    expect(() => load(withSecret({ secret: { env: 'KEY' } }), envs)).toThrow(/WHMCS secret/);
    expect(() => load(withSecret({ secret: { env: 'BRIDGE_TOKEN' } }), envs)).toThrow(/API token/);
    expect(
      keyOf(() =>
        load(
          withSecret(
            { secret: { env: 'FACADE_SECRET' } },
            { tokens: [{ name: 't', sha256: sha256(FACADE_SECRET).toString('hex') }] },
          ),
          envs,
        ),
      ),
    ).toBe('facade.credentials[0].secret');
    expect(() => load(withSecret({ secret: { env: 'FACADE_SECRET' } }), envs)).not.toThrow();
  });

  it('config print redacts the facade secrets and their hashes', () => {
    const config = load(
      {
        sources: [source()],
        facade: {
          credentials: [
            { identifier: 'forecaster', secret: { env: 'FACADE_SECRET' } },
            { identifier: 'reports', secretSha256: sha256('Another-Facade-Secret-88').toString('hex') },
          ],
        },
      },
      env,
    );
    const printed = JSON.stringify(redactedConfig(config));
    for (const secret of [
      FACADE_SECRET,
      sha256(FACADE_SECRET).toString('hex'),
      sha256('Another-Facade-Secret-88').toString('hex'),
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(redactedConfig(config).facade).toMatchObject({
      credentials: [
        { identifier: 'forecaster', secretSha256: '***' },
        { identifier: 'reports', secretSha256: '***' },
      ],
    });
  });
});
