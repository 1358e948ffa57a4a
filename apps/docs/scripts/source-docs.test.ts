import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CONFIG_MODULE } from './bridge.ts';
import { declarationDoc, fieldDocs, interfaceMembers } from './source-docs.ts';

const clientEntry = createRequire(import.meta.url).resolve('@forecaster/whmcs-client');

describe('TSDoc read from the sources', () => {
  it('finds a schema through the package entry and reads the comment on each key', () => {
    const docs = fieldDocs(clientEntry, 'invoiceSchema');
    expect(docs.get('number')).toMatch(/sequential invoice number/);
    // A key built from a named schema takes that schema's comment.
    expect(docs.get('total')).toMatch(/exact decimal/i);
    expect(docs.get('paidAt')).toMatch(/UTC offset/);
  });

  it('follows nested objects and named schemas in the configuration', () => {
    const docs = fieldDocs(CONFIG_MODULE, 'bridgeConfigSchema');
    expect(docs.get('sources.allowInsecureHttp')).toMatch(/http:\/\//);
    expect(docs.get('sources.credentials.secret')).toMatch(/environment variable or a file/);
    expect(docs.get('sources.sync.fullEvery')).toMatch(/24h/);
  });

  it('reads function comments and interface members with their declared types', () => {
    expect(declarationDoc(CONFIG_MODULE, 'loadConfig')).toMatch(/Environment overrides:/);
    const options = interfaceMembers(clientEntry, 'WhmcsClientOptions');
    const url = options.find((m) => m.name === 'url');
    expect(url).toMatchObject({ optional: false, type: 'string' });
    expect(options.find((m) => m.name === 'retry')?.doc).toContain('`defaultRetryPolicy`');
  });
});
