import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODULE_API_TYPES, moduleApiTypes } from '../../src/module/module-api-types.ts';

describe("the module UI's types of this API", () => {
  it('match the OpenAPI document (else run `pnpm --filter @forecaster/bridge module-api-types`)', async () => {
    const committed = readFileSync(MODULE_API_TYPES, 'utf8');
    const current = await moduleApiTypes();
    expect(
      committed === current,
      'packages/module-assets/src/ui/bridge-api.gen.ts is stale: run `pnpm --filter @forecaster/bridge module-api-types`',
    ).toBe(true);
    expect(current).toContain('"/v1/revenue"');
    // Only what the module calls: a route it does not use may change without touching the module.
    expect(current).not.toContain('"/v1/changes"');
    expect(current).not.toContain('ChangeList');
  });
});
