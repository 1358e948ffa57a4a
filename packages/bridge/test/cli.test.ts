import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, CLI_BUNDLE, DEMO_BUNDLE } from '../scripts/bundle.ts';
import { configFor, simSource, TOKEN, tempDir } from './harness.ts';

const BUNDLE = CLI_BUNDLE;

beforeAll(async () => {
  // The bundled executable is what a deployment runs: test that one, with plain node; the demo
  // (a checkout's `pnpm start`) is bundled apart, as it holds the simulator.
  await Promise.all([bundleCli(), bundleCli(DEMO_BUNDLE, 'demo')]);
}, 60_000);

function start(args: string[], env: NodeJS.ProcessEnv = {}, bundle = BUNDLE) {
  const child: ChildProcess = spawn(process.execPath, [bundle, ...args], {
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
      /Usage: forecaster-bridge [\s\S]*serve[\s\S]*sync[\s\S]*config/,
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
    const demo = start(
      ['start'],
      { PORT: '0', BRIDGE_TOKEN: 'demo-token-Kiwi-1-long-enough-000001' },
      DEMO_BUNDLE,
    );
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

  it('PORT that is not a port: names PORT and exits 2, for start and demo alike', async () => {
    for (const args of [['start'], ['demo']]) {
      const run = start(args, { PORT: 'abc' }, DEMO_BUNDLE);
      expect(await run.exit).toBe(2);
      expect(run.err()).toContain(
        'forecaster-bridge: configuration error: PORT: "abc" is not a port number (0-65535)',
      );
    }
  });

  it('the shipped CLI has no demo: `start` without a configuration refuses like serve, `demo` is unknown', async () => {
    const bare = start(['start']);
    expect(await bare.exit).toBe(2);
    expect(bare.err()).toContain('no configuration to serve: give --config FILE or set BRIDGE_CONFIG');
    const demo = start(['demo']);
    expect(await demo.exit).toBe(2);
    expect(demo.err()).toContain("unknown command 'demo'");
  });

  it('serve without a configuration refuses (exit 2), naming what is missing; only start runs the demo', async () => {
    const bare = start(['serve']);
    expect(await bare.exit).toBe(2);
    expect(bare.err()).toContain('no configuration to serve: give --config FILE or set BRIDGE_CONFIG');
    const eu = await simSource('eu', { invoices: 1 });
    const { file, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify({ ...file, sources: [] }));
    const empty = start(['--config', configPath, 'serve'], {});
    expect(await empty.exit).toBe(2);
    expect(empty.err()).toContain('sources: no WHMCS source is configured');
    expect(empty.err()).toContain('tokens: no API token is configured');
  });

  it('config print warns about an inline secret on stderr, and still redacts it', async () => {
    const eu = await simSource('eu', { invoices: 1 });
    const { file, env, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    const inline = {
      ...file,
      sources: file.sources!.map((s) => ({
        ...s,
        credentials: { identifier: 'forecaster', secret: eu.secret },
      })),
    };
    writeFileSync(configPath, JSON.stringify(inline));
    const printed = start(['--config', configPath, 'config', 'print'], env);
    expect(await printed.exit).toBe(0);
    expect(printed.err()).toContain(
      'warning: sources[0].credentials.secret is written inline in the configuration',
    );
    expect(printed.out() + printed.err()).not.toContain(eu.secret);
  });

  it('sync diagnoses as check does: a wrong URL path is not WHMCS’s API, and it names the source to check', async () => {
    const eu = await simSource('eu', { invoices: 10 });
    const { file, env, dataDir } = configFor([eu]);
    const configPath = join(dataDir, 'bridge.json');
    const wrongPath = new URL('not-whmcs/', eu.served.url).href;
    writeFileSync(
      configPath,
      JSON.stringify({ ...file, sources: file.sources!.map((s) => ({ ...s, url: wrongPath })) }),
    );
    const sync = start(['--config', configPath, 'sync'], env);
    expect(await sync.exit).toBe(1);
    expect(sync.out()).toContain('fix: The address is not WHMCS’s API.');
    expect(sync.out()).toContain('Run `forecaster-bridge check --source eu`');
    expect(sync.out()).toContain('/troubleshooting#not_whmcs_api');
  });
});
