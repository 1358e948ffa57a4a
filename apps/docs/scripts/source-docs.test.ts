import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { interfaceMembers } from './source-docs.ts';

const clientEntry = createRequire(import.meta.url).resolve('@forecaster/whmcs-client');

describe('interface members read from the client through its package entry', () => {
  it('reads each member with its declared type and its comment', () => {
    const options = interfaceMembers(clientEntry, 'WhmcsClientOptions');
    const url = options.find((m) => m.name === 'url');
    expect(url).toMatchObject({ optional: false, type: 'string' });
    expect(options.find((m) => m.name === 'retry')?.doc).toContain('`defaultRetryPolicy`');
  });
});
