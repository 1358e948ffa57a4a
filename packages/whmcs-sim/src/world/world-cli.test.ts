import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateWorld } from './generate-world.ts';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

describe('whmcs-sim --world (the shipped CLI, a separate process)', () => {
  it('serves the world from a JSON options file as of --as-of', async () => {
    const options = { preset: 'fields-7x', clients: 40, years: 3, seed: 8 } as const;
    const file = join(mkdtempSync(join(tmpdir(), 'world-cli-')), 'world.json');
    writeFileSync(file, JSON.stringify(options));
    const asOf = '2020-05-01T12:00:00Z';
    const args = ['--import', 'tsx', CLI, '--port', '0', '--world', file, '--as-of', asOf];
    const child = spawn(process.execPath, [...args, '--identifier', 'w-id', '--secret', 'w-secret'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
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
      expect(out).toMatch(/WHMCS 7 simulator/);
      const res = await fetch(endpoint, {
        method: 'POST',
        body: new URLSearchParams({
          identifier: 'w-id',
          secret: 'w-secret',
          action: 'GetInvoices',
          responsetype: 'json',
          orderby: 'id',
          limitnum: '100000',
        }),
      });
      const body = (await res.json()) as { totalresults: number; invoices: { invoice: unknown[] } };
      const world = generateWorld(options);
      expect(body.totalresults).toBe(world.countAsOf(new Date(asOf)));
      expect(JSON.stringify(body.invoices.invoice)).toBe(JSON.stringify(world.invoicesAsOf(new Date(asOf))));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 60_000);

  it('refuses a bad options file, naming the key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'world-cli-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ clients: -3 }));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--world', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err).toContain('clients');
  }, 60_000);
});
