import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('whmcs-sim CLI', () => {
  it('serves with the given credentials, prints the endpoint, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        '--port',
        '0',
        '--invoices',
        '30',
        '--prefix',
        '/billing',
        '--identifier',
        'cli-id',
        '--secret',
        'cli-secret',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const match = /endpoint\s+(\S+)/.exec(out);
        if (match && out.includes('curl')) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/billing\/includes\/api\.php$/);
    expect(out).toContain('identifier  cli-id');
    expect(out).toContain('secret      cli-secret');
    const res = await fetch(endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        identifier: 'cli-id',
        secret: 'cli-secret',
        action: 'GetInvoices',
        responsetype: 'json',
      }),
    });
    expect(await res.json()).toMatchObject({ result: 'success', totalresults: 30 });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 20_000);

  it('generates a secret when none is given', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--invoices', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('curl')) resolve();
      });
    });
    child.kill('SIGINT');
    await once(child, 'exit');
    expect(out).toMatch(/secret {6}[0-9a-f]{32}\n/);
  }, 20_000);
});
