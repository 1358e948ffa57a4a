import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BridgeConfigFile, ConfigError, loadConfig } from '../config.ts';

const dir = mkdtempSync(join(tmpdir(), 'config-issues-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (extra: Record<string, unknown> = {}) => ({
  id: 'eu',
  url: 'https://billing.example.com/',
  credentials: { identifier: 'forecaster', secret: { env: 'EU_SECRET' } },
  ...extra,
});

function errorOf(fallback: unknown, env: NodeJS.ProcessEnv = { EU_SECRET: 's' }): string {
  try {
    loadConfig({ env, fallback: fallback as BridgeConfigFile });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('loaded');
}

describe('configuration errors in the configuration’s words', () => {
  it.each([
    [
      { sources: [source({ timezone: 'Europe/Berlin' })] },
      'sources[0].timezone: unknown key "timezone": did you mean "timeZone"?',
    ],
    [{ listen: { prot: 8080 } }, 'listen.prot: unknown key "prot": did you mean "port"?'],
    [
      { sources: [source({ credentials: { identifier: 'f', secret: { evn: 'EU_SECRET' } } })] },
      'sources[0].credentials.secret.evn: unknown key "evn": did you mean "env"?',
    ],
    [
      { sources: [source({ credentials: { identifer: 'f', secret: { env: 'EU_SECRET' } } })] },
      'sources[0].credentials.identifer: unknown key "identifer": did you mean "identifier"?',
    ],
    [{ listen: { hots: 'x', bogus: 1 } }, 'listen.hots: unknown key "hots": did you mean "host"?'],
    [
      { rateLimit: { zzzzzz: 1 } },
      /^rateLimit\.zzzzzz: unknown key "zzzzzz" \(known here: requestsPerMinute/,
    ],
    [{ sources: [source({ pageSize: 'big' })] }, 'sources[0].pageSize: must be a number, not the text "big"'],
    [{ sources: [source({ pageSize: 0 })] }, 'sources[0].pageSize: must be at least 1, not the number 0'],
    [
      { log: { level: 'verbose' } },
      'log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", not the text "verbose"',
    ],
    [
      { sources: [{ id: 'eu', credentials: { identifier: 'f', secret: 'x' } }] },
      'sources[0].url: is required',
    ],
  ])('%j', (config, expected) => {
    const message = errorOf(config);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
    expect(message).not.toMatch(/Invalid input|Unrecognized key|expected \w+, received/);
  });

  it('names every unset environment variable at once', () => {
    const message = errorOf(
      {
        sources: [
          source(),
          source({ id: 'us', credentials: { identifier: 'f', secret: { env: 'US_SECRET' } } }),
        ],
        tokens: [{ name: 'forecaster', token: { env: 'FORECASTER_TOKEN' } }],
      },
      {},
    );
    expect(message).toBe(
      '3 environment variables are not set: EU_SECRET (sources[0].credentials.secret), US_SECRET (sources[1].credentials.secret), FORECASTER_TOKEN (tokens[0].token)',
    );
  });

  it('gives the line and column of a JSON syntax error', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{\n  "dataDir": "./data",\n  sources: []\n}\n');
    expect(() => loadConfig({ path, env: {} })).toThrow(
      `configuration file ${path} is not valid JSON: line 3, column 3: Expected double-quoted property name`,
    );
    writeFileSync(path, '{\n  "dataDir": "./data",\n}\n');
    expect(() => loadConfig({ path, env: {} })).toThrow(/line 3, column 1: /);
  });
});
