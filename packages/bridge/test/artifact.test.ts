import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleInputs, EXTERNAL } from '../scripts/bundle.ts';

/*
 * What ships (`pnpm build`, the Dockerfile's `pnpm deploy --prod`): the bundle without the
 * WHMCS simulator, and in `dependencies` only what the bundle leaves out.
 */

const PACKAGE = join(import.meta.dirname, '..');
const fromSimulator = (inputs: string[]) => inputs.filter((path) => /(^|\/)whmcs-sim\/src\//.test(path));

describe('the production artifact', () => {
  it('the shipped CLI bundles no simulator file; the checkout’s CLI with the demo does', async () => {
    const [shipped, demo] = await Promise.all([bundleInputs('shipped'), bundleInputs('demo')]);
    expect(fromSimulator(shipped)).toEqual([]);
    expect(shipped.filter((path) => path.includes('module-assets/src/preview/'))).toEqual([]);
    expect(fromSimulator(demo).length).toBeGreaterThan(0);
  }, 60_000);

  it('dependencies are exactly what the bundle leaves external; the simulator is a dev dependency', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...EXTERNAL].sort());
    expect(pkg.devDependencies['@forecaster/whmcs-sim']).toBeDefined();
    expect(pkg.files).toEqual(['dist', 'deploy']);
  });
});
