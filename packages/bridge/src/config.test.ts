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
    writeFileSync(join(dir, 'tokens'), '# one per line\ntok-one-aaaa\n\ntok-two-bbbb\n');
    const config = load(
      { sources: [source()], tokens: [{ name: 'hashed', sha256: sha256('tok-zero').toString('hex') }] },
      {
        WHMCS_SECRET: SECRET,
        PORT: '9999',
        BRIDGE_HOST: '0.0.0.0',
        BRIDGE_DATA_DIR: dir,
        BRIDGE_LOG_LEVEL: 'debug',
        BRIDGE_TOKEN: 'tok-env-cccc',
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
    expect(config.tokens[1]?.sha256.equals(sha256('tok-env-cccc'))).toBe(true);
    expect(config.secrets).toEqual(
      expect.arrayContaining([SECRET, 'tok-env-cccc', 'tok-one-aaaa', 'tok-two-bbbb']),
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
    expect(keyOf(() => load({ sources: [source({ typo: 1 })] }))).toBe('sources[0]');
    expect(keyOf(() => load({ sources: [source()] }, {}))).toBe('sources[0].credentials.secret.env');
    expect(keyOf(() => load({ sources: [source()] }, { WHMCS_SECRET: SECRET, PORT: 'eighty' }))).toBe('PORT');
    expect(keyOf(() => load({ listen: { port: 70000 } }))).toBe('listen.port');
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
        TOKEN: 'Token-Heron-5',
      },
    );
    const printed = JSON.stringify(redactedConfig(config));
    for (const secret of [
      SECRET,
      'Access-Key-Marmot-7',
      'Legacy-Pass-Ibis-3',
      'Token-Heron-5',
      sha256('Token-Heron-5').toString('hex'),
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain('"identifier":"IDENT"');
    expect(printed).toContain('"secret":"***"');
  });
});
