import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBridge } from '../src/bridge.ts';
import { type BridgeConfigFile, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { configFor, simSource, TOKEN, tempDir } from './harness.ts';

/* The state /v1/sources and /metrics report, across a configuration fix and a restart. */

async function open(file: BridgeConfigFile, env: NodeJS.ProcessEnv) {
  const bridge = await createBridge(loadConfig({ fallback: file, env }), {
    logger: createLogger({ level: 'silent' }),
  });
  const view = async () => {
    const res = await bridge.app.request('/v1/sources/eu', { headers: { Authorization: `Bearer ${TOKEN}` } });
    return ((await res.json()) as { data: { state: string; lastError: { code: string } | null } }).data;
  };
  const metric = async () => (await (await bridge.app.request('/metrics')).text()).split('\n');
  return { bridge, view, metric };
}

describe('source state across a configuration fix', () => {
  it('a fixed URL clears the old error at start; /metrics has a series for every state, 1 for the current one', async () => {
    const eu = await simSource('eu', { invoices: 40 });
    const dataDir = join(tempDir(), 'data');
    const { file, env } = configFor([eu], {}, dataDir);
    const wrong = { ...file, sources: file.sources!.map((s) => ({ ...s, url: 'http://127.0.0.1:9/' })) };

    const broken = await open(wrong, env);
    expect((await broken.bridge.engine.run('eu', 'full')).result).toBe('failed');
    expect(await broken.view()).toMatchObject({ state: 'failing', lastError: { code: 'network' } });
    await broken.bridge.close();

    const fixed = await open(file, env);
    // At start, before any retry: the error belonged to the old URL.
    expect(await fixed.view()).toMatchObject({ state: 'never_synced', lastError: null });
    expect((await fixed.bridge.engine.run('eu', 'full')).result).toBe('ok');
    const lines = await fixed.metric();
    for (const state of ['ok', 'syncing', 'failing', 'never_synced']) {
      expect(lines).toContain(`bridge_source_state{source="eu",state="${state}"} ${state === 'ok' ? 1 : 0}`);
    }
    await fixed.bridge.close();
  });
});
