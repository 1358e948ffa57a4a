import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bridgeFor, configFor, type SimSource, simSource, TOKEN } from './harness.ts';

/*
 * Issue 10 item 5: no path logs in again with a credential WHMCS refused. The CLI runs as separate
 * processes (each opens the store afresh), the API's check in-process with the clock moved on.
 */

const PACKAGE = join(import.meta.dirname, '..');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: PACKAGE, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

async function wrongSecret(): Promise<{ sim: SimSource; config: string; env: NodeJS.ProcessEnv }> {
  const sim = await simSource('eu', { invoices: 30 });
  const { file, env, dataDir } = configFor([{ ...sim, secret: `${sim.secret}-wrong` }]);
  const config = join(dataDir, 'bridge.json');
  writeFileSync(config, JSON.stringify(file));
  return { sim, config, env };
}

describe('the login gate, through the CLI', () => {
  it('three `bridge sync` runs with a wrong secret log in once; the IP is not banned', async () => {
    const { sim, config, env } = await wrongSecret();
    const first = await cli(['--config', config, 'sync'], env);
    expect(first.code).toBe(1);
    expect(first.out).toContain('auth_failed');
    for (let i = 0; i < 2; i++) {
      const again = await cli(['--config', config, 'sync'], env);
      expect(again.code).toBe(1);
      expect(again.out).toContain('credential_refused');
      expect(again.out).toMatch(/does not send it again[\s\S]*--force[\s\S]*15 minutes/);
    }
    expect(sim.served.sim.requests).toHaveLength(1);
    expect(sim.served.sim.banned()).toEqual([]);
    // Forcing within 15 minutes of the failed login sends nothing either.
    const forced = await cli(['--config', config, 'sync', '--force'], env);
    expect(forced.code).toBe(1);
    expect(forced.out).toContain('login_cooldown');
    expect(sim.served.sim.requests).toHaveLength(1);
  }, 60_000);

  it('three `bridge check` runs with a wrong secret log in once, and a sync after them not at all', async () => {
    const { sim, config, env } = await wrongSecret();
    const first = await cli(['--config', config, 'check'], env);
    expect(first.code).toBe(1);
    expect(first.out).toContain('auth_failed');
    for (let i = 0; i < 2; i++) {
      const again = await cli(['--config', config, 'check', '--json'], env);
      expect(again.code).toBe(1);
      const [report] = JSON.parse(again.out) as Array<{
        stages: Array<{ id: string; status: string; code?: string }>;
      }>;
      expect(report?.stages.find((s) => s.status === 'failed')).toMatchObject({
        id: 'credentials',
        code: 'credential_refused',
      });
    }
    expect((await cli(['--config', config, 'check', '--force'], env)).out).toContain('login_cooldown');
    expect((await cli(['--config', config, 'sync'], env)).out).toContain('credential_refused');
    expect(sim.served.sim.requests).toHaveLength(1);
    expect(sim.served.sim.banned()).toEqual([]);
  }, 60_000);
});

describe('the login gate, through the API', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('GET /v1/sources/{id}/check polled once a minute with a refused secret logs in once, not at 0, 61 and 122 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sim = await simSource('eu', { invoices: 20 });
    const bridge = await bridgeFor([{ ...sim, secret: `${sim.secret}-wrong` }]);
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
    const codes: Array<string | undefined> = [];
    for (let minute = 0; minute < 20; minute++) {
      const body = (await (await bridge.app.request('/v1/sources/eu/check', auth)).json()) as {
        data: { stages: Array<{ status: string; code?: string }> };
        cached: boolean;
      };
      if (!body.cached) codes.push(body.data.stages.find((s) => s.status === 'failed')?.code);
      vi.setSystemTime(Date.now() + 61_000);
    }
    expect(codes[0]).toBe('auth_failed');
    expect(new Set(codes.slice(1))).toEqual(new Set(['credential_refused']));
    expect(sim.served.sim.requests).toHaveLength(1);
    expect(sim.served.sim.banned()).toEqual([]);
  });

  it('a refused sync is not sent again by a trigger (409), nor forced within 15 minutes (429), nor with a changed secret within them', async () => {
    const sim = await simSource('eu', { invoices: 20 });
    const bridge = await bridgeFor([{ ...sim, secret: `${sim.secret}-wrong` }]);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await bridge.engine.run('eu', 'full')).error?.code).toBe('auth_failed');
    const post = (body: unknown) =>
      bridge.app.request('/v1/sources/eu/sync', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const plain = await post({ mode: 'full' });
    expect(plain.status).toBe(409);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('credential_refused');
    const forced = await post({ mode: 'full', force: true });
    expect(forced.status).toBe(429);
    expect(forced.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await forced.json()) as { error: { code: string } }).error.code).toBe('login_cooldown');
    expect(sim.served.sim.requests).toHaveLength(1);

    // The configuration now holds the right secret: a new fingerprint, but the 15 minutes since
    // the failed login still hold, whatever changed.
    const fixed = await bridgeFor([sim], {
      extra: { dataDir: bridge.config.dataDir },
    });
    expect((await fixed.engine.run('eu', 'full')).error?.code).toBe('login_cooldown');
    expect(sim.served.sim.requests).toHaveLength(1);
  });
});
