import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFor, simSource, TOKEN, tempDir } from './harness.ts';

const PACKAGE = join(import.meta.dirname, '..');
const BUNDLE = join(PACKAGE, 'dist/bridge.mjs');

beforeAll(() => {
  // The bundled executable is what a deployment runs: test that one, with plain node.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: PACKAGE, stdio: 'pipe' });
}, 60_000);

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(process.execPath, [BUNDLE, ...args], {
    cwd: tempDir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(stdout);
      if (m) return m;
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(`no ${pattern} in:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, exit, waitFor, out: () => stdout, err: () => stderr };
}

describe('the bundled bridge executable', () => {
  it('prints its version and help with plain node', () => {
    expect(execFileSync(process.execPath, [BUNDLE, '--version']).toString().trim()).toBe('0.1.0');
    expect(execFileSync(process.execPath, [BUNDLE, '--help']).toString()).toMatch(
      /serve[\s\S]*sync[\s\S]*config/,
    );
  });

  it('an unknown command or option exits 2', async () => {
    expect(await start(['frobnicate']).exit).toBe(2);
    expect(await start(['sync', '--fast']).exit).toBe(2);
  });

  it('serves, logs JSON without secrets, and stops gracefully on SIGTERM', async () => {
    const eu = await simSource('eu', { invoices: 300 });
    const { file, env, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const bridge = start(['--config', configPath, 'serve'], env);
    const [, url] = await bridge.waitFor(/bridge listening on (http:\/\/[\d.:]+)/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The scheduler runs the first full sync on its own.
    await bridge.waitFor(/full sync done/);
    const res = await fetch(`${url}/v1/sources/eu`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(((await res.json()) as { data: { state: string } }).data.state).toBe('ok');
    bridge.child.kill('SIGTERM');
    expect(await bridge.exit).toBe(0);
    for (const line of bridge.out().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    for (const secret of [eu.secret, TOKEN]) expect(bridge.out() + bridge.err()).not.toContain(secret);
    expect(existsSync(join(dataDir, 'bridge.sqlite'))).toBe(true);
    expect(readFileSync(join(dataDir, 'bridge.sqlite')).includes(eu.secret)).toBe(false);
  });

  it('config print shows the effective configuration with every secret redacted', async () => {
    const eu = await simSource('eu', { invoices: 1 });
    const { file, env, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const printed = start(['--config', configPath, 'config', 'print'], env);
    expect(await printed.exit).toBe(0);
    const config = JSON.parse(printed.out()) as { sources: Array<{ credentials: { secret: string } }> };
    expect(config.sources[0]?.credentials.secret).toBe('***');
    expect(printed.out()).not.toContain(eu.secret);
    expect(printed.out()).not.toContain(TOKEN);
  });

  it('with no configuration, `start` runs the demo: syncs two simulated WHMCS and serves the three curl commands it prints', async () => {
    const demo = start(['start'], { PORT: '0', BRIDGE_TOKEN: 'demo-token-Kiwi-1-long-enough-000001' });
    await demo.waitFor(/Stop: Ctrl\+C/, 120_000);
    const output = demo.out();
    expect(output).toMatch(/eu\s+full\s+ok/);
    expect(output).toMatch(/us\s+full\s+ok/);
    expect(output).toContain('Token (set BRIDGE_TOKEN to choose it): demo-token-Kiwi-1-long-enough-000001');
    const curls = [...output.matchAll(/curl -s -H 'Authorization: Bearer ([^']+)' '?([^'\s]+)'?/g)];
    expect(curls).toHaveLength(3);
    for (const [, token, url] of curls) {
      const res = await fetch(url!, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, url).toBe(200);
      const body = (await res.json()) as { data: unknown[] };
      expect(body.data.length, url).toBeGreaterThan(0);
    }
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
  }, 180_000);
});
