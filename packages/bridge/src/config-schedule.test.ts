import { describe, expect, it } from 'vitest';
import { type BridgeConfigFile, ConfigError, loadConfig } from './config.ts';

const source = (sync: Record<string, unknown>) => ({
  id: 'main',
  url: 'https://billing.example.com/',
  credentials: { identifier: 'IDENT', secret: { env: 'S' } },
  sync,
});

function error(sync: Record<string, unknown>): ConfigError {
  try {
    loadConfig({ fallback: { sources: [source(sync)] } as BridgeConfigFile, env: { S: 'secret' } });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('schedule minimums (a schedule of 1 ms would call WHMCS without pause)', () => {
  it('refuses an incremental schedule under a minute and a full one under an hour, naming the key', () => {
    const incremental = error({ incrementalEvery: '1ms' });
    expect(incremental.key).toBe('sources[0].sync.incrementalEvery');
    expect(incremental.message).toMatch(/at least (1 minute|60000)/);
    expect(error({ incrementalEvery: 59 }).key).toBe('sources[0].sync.incrementalEvery');
    const full = error({ fullEvery: '59m' });
    expect(full.key).toBe('sources[0].sync.fullEvery');
    expect(full.message).toMatch(/at least (1 hour|3600000)/);
  });

  it('accepts the minimums themselves', () => {
    const config = loadConfig({
      fallback: { sources: [source({ incrementalEvery: '1m', fullEvery: '1h' })] } as BridgeConfigFile,
      env: { S: 'secret' },
    });
    expect(config.sources[0]?.sync).toEqual({ incrementalEvery: 60_000, fullEvery: 3_600_000 });
  });
});
