import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleApiTypes } from '../../src/module/module-api-types.ts';

const require = createRequire(import.meta.url);

/*
 * The module's UI is typed by bridge-api.gen.ts, generated from this API. The UI must compile
 * against the API as it is now: the test compiles a copy of the UI with freshly generated types.
 * A committed file that merely lags (a new diagnostic code, a new description) does not fail
 * here, so a landing elsewhere in the API never turns this red; a change the UI cannot take does.
 */

const MODULE_ASSETS = join(import.meta.dirname, '../../../module-assets');

describe("the module UI's types of this API", () => {
  it('cover only the paths the module calls', async () => {
    const current = await moduleApiTypes();
    expect(current).toContain('"/v1/revenue"');
    expect(current).toContain('"/v1/sources/{id}/sync"');
    // A route the module does not use may change without touching the module.
    expect(current).not.toContain('"/v1/changes"');
    expect(current).not.toContain('ChangeList');
  });

  it('compile the UI as the API is now (else run `pnpm --filter @forecaster/bridge module-api-types`)', async () => {
    const scratch = join(MODULE_ASSETS, `.api-check-${process.pid}`);
    rmSync(scratch, { recursive: true, force: true });
    try {
      mkdirSync(scratch);
      cpSync(join(MODULE_ASSETS, 'src'), join(scratch, 'src'), { recursive: true });
      writeFileSync(join(scratch, 'src', 'ui', 'bridge-api.gen.ts'), await moduleApiTypes());
      writeFileSync(
        join(scratch, 'tsconfig.json'),
        JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { rootDir: '.' }, include: ['src'] }),
      );
      const tsc = spawnSync(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', scratch],
        {
          encoding: 'utf8',
        },
      );
      expect(tsc.stdout + tsc.stderr, 'the module UI does not compile against the current API').toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
