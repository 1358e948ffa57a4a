import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guideStep } from '@forecaster/module-assets';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './bridge.ts';

const dir = mkdtempSync(join(tmpdir(), 'guide-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the setup guide’s configuration example', () => {
  it('is a complete configuration the bridge loads: a source and a token, secrets from files', () => {
    const example = guideStep('record-credentials').body.find(
      (block) => block.type === 'code' && block.language === 'json',
    );
    expect(example?.type).toBe('code');
    const text = example?.type === 'code' ? example.code : '';
    // The files it names, with values as the guide's commands would write them.
    const files: Record<string, string> = {
      '/etc/forecaster-bridge/whmcs-secret': 'a-whmcs-api-secret-from-the-credential-dialog',
      '/etc/forecaster-bridge/forecaster-token': `${'k'.repeat(43)}=\n`,
    };
    let config = text;
    for (const [path, value] of Object.entries(files)) {
      const local = join(dir, path.split('/').at(-1)!);
      writeFileSync(local, value);
      config = config.replaceAll(path, local);
    }
    expect(config).not.toBe(text);
    const file = join(dir, 'bridge.json');
    writeFileSync(file, config);
    const loaded = loadConfig({ path: file, env: {} });
    expect(loaded.sources.map((s) => s.id)).toEqual(['billing']);
    expect(loaded.tokens.map((t) => t.name)).toEqual(['forecaster']);
    expect(loaded.warnings).toEqual([]);
  });
});
