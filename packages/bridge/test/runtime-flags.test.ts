import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../scripts/bundle.ts';
import { bundleCli } from './reliability-support.ts';

/*
 * Node's flags are set wherever the bridge is started, the same everywhere (issue 17 item 4: the
 * heap cap that keeps a million-invoice sync under 150 MB is not left to the operator).
 */

const PACKAGE = join(import.meta.dirname, '..');

describe('the flags the bridge is started with', () => {
  it('are in the Dockerfile CMD and the systemd unit ExecStart', () => {
    const flags = NODE_FLAGS.join(' ');
    const cmd = /^CMD \[(.*)\]$/m.exec(readFileSync(join(PACKAGE, 'Dockerfile'), 'utf8'))?.[1];
    expect(cmd).toBe(
      JSON.stringify(['node', ...NODE_FLAGS, 'dist/forecaster-bridge.mjs', 'serve'])
        .slice(1, -1)
        .replaceAll(',', ', '),
    );
    const exec = /^ExecStart=(.*)$/m.exec(
      readFileSync(join(PACKAGE, 'deploy', 'forecaster-bridge.service'), 'utf8'),
    )?.[1];
    expect(exec).toBe(`/usr/bin/node ${flags} /opt/forecaster-bridge/dist/forecaster-bridge.mjs serve`);
  });

  it('are on the bundle’s own launcher line, which runs it with them', async () => {
    const bundle = await bundleCli();
    expect(readFileSync(bundle, 'utf8').split('\n')[0]).toBe(
      `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`,
    );
    // Run through its launcher line, not `node bundle`: the line must work as it is.
    expect(execFileSync(bundle, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);
});
