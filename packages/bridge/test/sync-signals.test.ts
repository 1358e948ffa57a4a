import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simSource } from './harness.ts';
import { bundleCli, reliabilityConfig, removeBundle, runCli, sleep } from './reliability-support.ts';

/* Issue 10 (low) and issue 11 item 13: an interrupted `bridge sync` exited 0, so scripts could not tell. */

let bundle: string;

beforeAll(async () => {
  bundle = await bundleCli();
}, 60_000);

afterAll(() => removeBundle(bundle));

describe('bridge sync stopped before it finished', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`exits ${code} after ${signal}, with its summary`, async () => {
      const eu = await simSource('eu', { invoices: 2_000, seed: 5 });
      eu.served.sim.faults.add({ kind: 'slow', delayMs: 300 });
      const { file, env, dataDir } = reliabilityConfig([eu], { pageSize: 100 });
      const configPath = join(dataDir, 'bridge.json');
      writeFileSync(configPath, JSON.stringify(file));
      const run = runCli(bundle, ['--config', configPath, 'sync', '--full'], env);
      const until = Date.now() + 60_000;
      while (eu.served.sim.requests.length < 2) {
        if (Date.now() > until) throw new Error('WHMCS was never called');
        await sleep(20);
      }
      run.child.kill(signal);
      expect(await run.exit, run.out() + run.err()).toBe(code);
      expect(run.out()).toMatch(/eu\s+full\s+aborted/);
      expect(run.err()).toContain(`${signal}: stopping`);
    }, 90_000);
  }
});
