import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simSource } from './harness.ts';
import { bundleCli, openBridge, reliabilityConfig, removeBundle, runCli } from './reliability-support.ts';

/* Issue 10 (low): store failures surfaced only as internal_error, and /readyz stayed 200. */

let bundle: string;

beforeAll(async () => {
  bundle = await bundleCli();
}, 60_000);

afterAll(() => removeBundle(bundle));

function damage(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(Math.floor(size / 2), 0xa5), 0, undefined, Math.floor(size / 4));
  } finally {
    closeSync(fd);
  }
}

describe('a damaged store says so, with the fix', () => {
  it('bridge sync names store_corrupt and the way back; /readyz turns 503', async () => {
    const eu = await simSource('eu', { invoices: 800, seed: 8 });
    const { file, env, dataDir } = reliabilityConfig([eu], { pageSize: 100 });
    const first = await openBridge(file, env, { keepOpen: true });
    expect((await first.engine.run('eu', 'full')).result).toBe('ok');
    const ready = await first.app.request('/readyz');
    expect(ready.status).toBe(200);
    await first.close();
    damage(join(dataDir, 'bridge.sqlite'));

    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const sync = runCli(bundle, ['--config', configPath, 'sync', '--full'], env);
    expect(await sync.exit).toBe(1);
    const said = sync.out() + sync.err();
    expect(said).toMatch(/is damaged \(SQLITE_(CORRUPT|NOTADB)[^)]*\)/);
    expect(said).toContain('bridge sync --full');
    expect(said).not.toContain('internal_error');

    let bridge: Awaited<ReturnType<typeof openBridge>> | undefined;
    try {
      bridge = await openBridge(file, env);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('store_corrupt');
      return;
    }
    const res = await bridge.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reasons: string[] }).reasons.join('\n')).toMatch(
      /store: store_corrupt: /,
    );
  }, 90_000);
});
