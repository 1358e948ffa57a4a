import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnosticFor } from '@forecaster/module-assets';
import { type ServedSimulator, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig } from './check-config.ts';
import { CONFIGURATION_SOURCE, checkReportSchema } from './report.ts';

const SECRET = 'cfg-Secret-4471-q';
let served: ServedSimulator;
let dir: string;

beforeAll(async () => {
  served = await serveWhmcsSimulator({
    invoices: 10,
    clients: 3,
    credentials: [{ identifier: 'reader', secret: SECRET, actions: ['GetInvoices'] }],
  });
  dir = mkdtempSync(join(tmpdir(), 'bridge-check-config-'));
});
afterAll(async () => {
  await served.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const env = { WHMCS_SECRET: SECRET };

describe('checkConfig', () => {
  it('turns a configuration error into a failed config stage naming the key, and sends nothing', async () => {
    served.sim.clearRequests();
    const path = writeConfig('bad.json', {
      sources: [
        {
          id: 'eu',
          url: 'ftp://billing.example.test/',
          credentials: { identifier: 'reader', secret: { env: 'WHMCS_SECRET' } },
        },
      ],
    });
    const result = await checkConfig({ path, env });

    expect(result.ok).toBe(false);
    expect(result.configError?.key).toBe('sources[0].url');
    expect(result.reports).toHaveLength(1);
    const [report] = result.reports;
    expect(checkReportSchema.parse(report)).toEqual(report);
    expect(report?.source).toBe(CONFIGURATION_SOURCE);
    expect(report?.stages[0]).toMatchObject({
      id: 'config',
      status: 'failed',
      code: 'config_invalid',
      detail: expect.stringMatching(/^sources\[0\]\.url: /),
      fix: diagnosticFor('config_invalid').fix,
    });
    expect(report?.stages.slice(1).every((s) => s.status === 'skipped')).toBe(true);
    expect(served.sim.requests).toHaveLength(0);
  });

  it('names the missing environment variable', async () => {
    const path = writeConfig('env.json', {
      sources: [
        {
          id: 'eu',
          url: served.url,
          credentials: { identifier: 'reader', secret: { env: 'NOT_SET_ANYWHERE' } },
        },
      ],
    });
    const result = await checkConfig({ path, env: {} });
    expect(result.configError).toEqual({
      key: 'sources[0].credentials.secret.env',
      message: 'sources[0].credentials.secret.env: environment variable NOT_SET_ANYWHERE is not set',
    });
  });

  it('checks every source in order, each with its own verdict', async () => {
    served.sim.clearRequests();
    const path = writeConfig('two.json', {
      docsBaseUrl: 'https://docs.example.test',
      sources: [
        {
          id: 'good',
          url: served.url,
          credentials: { identifier: 'reader', secret: { env: 'WHMCS_SECRET' } },
        },
        { id: 'typo', url: served.url, credentials: { identifier: 'reader', secret: 'wrong-secret-xyz' } },
      ],
    });
    const result = await checkConfig({ path, env });

    expect(result.configError).toBeUndefined();
    expect(result.ok).toBe(false);
    expect(result.reports.map((r) => [r.source, r.ok])).toEqual([
      ['good', true],
      ['typo', false],
    ]);
    expect(result.reports[1]?.stages.find((s) => s.id === 'credentials')).toMatchObject({
      code: 'auth_failed',
      docsUrl: 'https://docs.example.test/troubleshooting#auth_failed',
    });
    // The loader's warning about the inline secret reaches the config stage, without the secret.
    expect(result.reports[1]?.stages[0]?.detail).toMatch(
      /sources\[1\]\.credentials\.secret is written inline/,
    );
    expect(JSON.stringify(result)).not.toContain('wrong-secret-xyz');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    // good: GetInvoices + probe; typo: one refused GetInvoices.
    expect(served.sim.requests).toHaveLength(3);
  });

  it('checks only the source asked for, and refuses an unknown one', async () => {
    const path = writeConfig('one.json', {
      sources: [
        {
          id: 'good',
          url: served.url,
          credentials: { identifier: 'reader', secret: { env: 'WHMCS_SECRET' } },
        },
        {
          id: 'other',
          url: 'https://does-not-exist.invalid/',
          credentials: { identifier: 'x', secret: { env: 'WHMCS_SECRET' } },
        },
      ],
    });
    const only = await checkConfig({ path, env, source: 'good' });
    expect(only.reports.map((r) => r.source)).toEqual(['good']);
    expect(only.ok).toBe(true);

    const unknown = await checkConfig({ path, env, source: 'nope' });
    expect(unknown.configError).toEqual({
      key: '--source',
      message: '--source: no source "nope" (configured: good, other)',
    });
  });

  it('refuses a configuration with no source', async () => {
    const path = writeConfig('empty.json', {});
    const result = await checkConfig({ path, env });
    expect(result.configError?.key).toBe('sources');
  });
});
