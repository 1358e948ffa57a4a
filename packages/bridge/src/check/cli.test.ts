import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServedSimulator, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkReportSchema } from './report.ts';

/* `forecaster-bridge check` end to end: the real CLI in a child process, against simulators in this one. */

const PACKAGE = join(import.meta.dirname, '../..');
const SECRET = 'cli-Secret-9021-k';
let good: ServedSimulator;
let walled: ServedSimulator;
let dir: string;

beforeAll(async () => {
  const credentials = [{ identifier: 'reader', secret: SECRET, actions: ['GetInvoices'] }];
  good = await serveWhmcsSimulator({ invoices: 10, clients: 3, credentials });
  walled = await serveWhmcsSimulator({ invoices: 10, clients: 3, credentials, allowlist: ['203.0.113.9'] });
  dir = mkdtempSync(join(tmpdir(), 'bridge-check-cli-'));
});
afterAll(async () => {
  await good.close();
  await walled.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(config: unknown): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const sources = () => [
  { id: 'good', url: good.url, credentials: { identifier: 'reader', secret: { env: 'WHMCS_SECRET' } } },
  { id: 'walled', url: walled.url, credentials: { identifier: 'reader', secret: { env: 'WHMCS_SECRET' } } },
];

/** Runs the CLI without blocking this process: the simulators answer from here. */
function bridge(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: PACKAGE,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, WHMCS_SECRET: SECRET, NO_COLOR: '1' },
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('forecaster-bridge check', () => {
  it('prints a checklist per source and exits 1 when one fails', async () => {
    const run = await bridge(['--config', configFile({ sources: sources() }), 'check']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^good {2}http:\/\/127\.0\.0\.1:\d+\/includes\/api\.php$/m);
    expect(run.stdout).toContain('  ✗ WHMCS allows this host’s address');
    expect(run.stdout).toContain('      More: http://127.0.0.1:8787/docs/troubleshooting#ip_not_allowed');
    expect(run.stdout).toMatch(/ {2}OK\n[\s\S]*FAILED: ip_not_allowed/);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('checks one source with --source, and prints JSON with --json; exits 0 when it passes', async () => {
    const run = await bridge([
      '--config',
      configFile({ sources: sources() }),
      'check',
      '--source',
      'good',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const reports = z.array(checkReportSchema).parse(JSON.parse(run.stdout));
    expect(reports.map((r) => [r.source, r.ok])).toEqual([['good', true]]);
  });

  it('exits 2 on a configuration error, with the failed config stage in the output', async () => {
    const broken = configFile({ sources: [{ ...sources()[0], url: 'ftp://billing.example.test/' }] });
    const run = await bridge(['--config', broken, 'check', '--json']);
    expect(run.code).toBe(2);
    const [report] = z.array(checkReportSchema).parse(JSON.parse(run.stdout));
    expect(report?.stages[0]).toMatchObject({ id: 'config', status: 'failed', code: 'config_invalid' });
    expect(report?.stages[0]?.detail).toMatch(/^sources\[0\]\.url: /);

    const unknown = await bridge([
      '--config',
      configFile({ sources: sources() }),
      'check',
      '--source',
      'nope',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('✗ The configuration is valid');
    expect(unknown.stdout).toContain('--source: no source "nope"');
  });
});
