import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSource, simSource, tempDir } from './harness.ts';
import { bundleCli, type CliRun, reliabilityConfig, removeBundle, runCli } from './reliability-support.ts';

/*
 * Known, distinctive secrets go in (the WHMCS API secret, the WHMCS access key, the Forecaster
 * token); then everything the bridge wrote or answered is searched for them: stdout, stderr
 * (logs at debug level), the SQLite store with its WAL, /metrics, /openapi.json, `config print`,
 * `forecaster-bridge check`, and every error body we can provoke, including a failing source's lastError
 * after a run with a wrong secret. They appear nowhere. The same runs show what the bridge asks
 * WHMCS: a sync only GetInvoices, `forecaster-bridge check` one GetInvoice probe more.
 */

const WHMCS_SECRET = 'WhmcsSecret-Ibex-8841-Zq';
const WRONG_SECRET = 'WrongSecret-Yak-2290-Xv';
const ACCESS_KEY = 'AccessKey-Wombat-5507-Kd';
const FORECASTER_TOKEN = 'ForecasterToken-Tapir-3316-Jm-long-enough';
const DEMO_TOKEN = 'DemoToken-Narwhal-6620-Hb-long-enough-01';

let bundle: string;
beforeAll(async () => {
  // With the demo: one test runs `start` without a configuration.
  bundle = await bundleCli('demo');
}, 60_000);
afterAll(() => removeBundle(bundle));

/** Every file the bridge wrote under `dir` (the store, its WAL and shared memory, anything else). */
function filesUnder(dir: string): Array<{ name: string; bytes: Buffer }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { name: path, bytes: readFileSync(path) };
    });
}

/** Finds each secret in each place, as text and as the bytes SQLite stores. */
function leaks(places: Array<{ name: string; text: string | Buffer }>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const place of places) {
    for (const secret of secrets) {
      const hit =
        typeof place.text === 'string'
          ? place.text.includes(secret) || place.text.includes(encodeURIComponent(secret))
          : place.text.includes(secret) || place.text.includes(Buffer.from(secret, 'utf16le'));
      if (hit) found.push(`${secret} in ${place.name}`);
    }
  }
  return found;
}

/** Answers worth reading: the system routes and every error we can provoke. */
async function provoke(
  url: string,
  token: string,
  sourceId: string,
): Promise<Array<{ name: string; text: string }>> {
  const auth = { Authorization: `Bearer ${token}` };
  const calls: Array<[string, string, RequestInit?]> = [
    ['metrics', '/metrics'],
    ['openapi', '/openapi.json'],
    ['healthz', '/healthz'],
    ['readyz', '/readyz'],
    ['401 no token', '/v1/invoices'],
    ['401 wrong token', '/v1/invoices', { headers: { Authorization: `Bearer ${token}-x` } }],
    [
      '401 basic',
      '/v1/invoices',
      { headers: { Authorization: `Basic ${Buffer.from(`u:${token}`).toString('base64')}` } },
    ],
    ['404 route', '/v1/nowhere', { headers: auth }],
    ['404 source', '/v1/sources/nope', { headers: auth }],
    ['404 invoice', `/v1/invoices/${sourceId}/999999999`, { headers: auth }],
    ['400 limit', '/v1/invoices?limit=0', { headers: auth }],
    ['400 cursor', `/v1/changes?since=${encodeURIComponent(token)}`, { headers: auth }],
    [
      '400 body',
      `/v1/sources/${sourceId}/sync`,
      { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"mode":"nope"}' },
    ],
    ['405', '/v1/invoices', { method: 'DELETE', headers: auth }],
    ['sources', '/v1/sources', { headers: auth }],
    ['source', `/v1/sources/${sourceId}`, { headers: auth }],
    ['sync status', `/v1/sources/${sourceId}/sync`, { headers: auth }],
    ['invoices', '/v1/invoices?limit=3', { headers: auth }],
    ['changes', '/v1/changes?limit=3', { headers: auth }],
    ['revenue', '/v1/revenue', { headers: auth }],
  ];
  const out: Array<{ name: string; text: string }> = [];
  for (const [name, path, init] of calls) {
    const res = await fetch(`${url}${path}`, init);
    const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    out.push({ name: `${name} (${res.status})`, text: `${headers}\n${await res.text()}` });
  }
  return out;
}

function outputs(name: string, run: CliRun) {
  return [
    { name: `${name} stdout`, text: run.out() },
    { name: `${name} stderr`, text: run.err() },
  ];
}

describe('secrets appear nowhere the bridge writes or answers', () => {
  it('a configured bridge: sync, serve, config print, check, and a run with a wrong secret', async () => {
    const eu: SimSource = await simSource('eu', {
      seed: 91,
      invoices: 120,
      accessKey: ACCESS_KEY,
      // Not allowlisted: only the access key gets the bridge in, so it is really sent.
      allowlist: ['203.0.113.77'],
      credentials: [
        { identifier: 'forecaster', secret: WHMCS_SECRET, admin: 'forecaster', actions: ['GetInvoices'] },
      ],
    });
    const sim = eu.served.sim;
    const secretEnv = { WHMCS_SECRET_ENV: WHMCS_SECRET, WHMCS_ACCESS_KEY_ENV: ACCESS_KEY };
    const { file, dataDir } = reliabilityConfig([eu], {
      credentials: { identifier: 'forecaster', secret: { env: 'WHMCS_SECRET_ENV' } },
      accessKey: { env: 'WHMCS_ACCESS_KEY_ENV' },
    });
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify({ ...file, log: { level: 'debug', format: 'json' } }));
    const env = { ...secretEnv, BRIDGE_TOKEN: FORECASTER_TOKEN, BRIDGE_CONFIG: configPath };
    const places: Array<{ name: string; text: string | Buffer }> = [];

    // A sync, at debug level.
    const sync = runCli(bundle, ['sync'], env);
    expect(await sync.exit, sync.out() + sync.err()).toBe(0);
    places.push(...outputs('sync', sync));
    // The sync asked WHMCS for invoices and nothing else.
    expect(sim.requests.length).toBeGreaterThan(1);
    expect(new Set(sim.requests.map((r) => r.action))).toEqual(new Set(['getinvoices']));

    // `forecaster-bridge check`: the same call once, and one GetInvoice probe (refused: least privilege).
    sim.clearRequests();
    const check = runCli(bundle, ['check', '--json'], env);
    const checkCode = await check.exit;
    expect([0, 1], check.out() + check.err()).toContain(checkCode);
    places.push(...outputs('check', check));
    expect(sim.requests.map((r) => r.action)).toEqual(['getinvoices', 'getinvoice']);
    expect(sim.requests[1]?.error).toMatch(/Invalid Permissions/);

    const print = runCli(bundle, ['config', 'print'], env);
    expect(await print.exit).toBe(0);
    places.push(...outputs('config print', print));

    // Serving: the system routes and every error body.
    sim.clearRequests();
    const serve = runCli(bundle, ['serve'], { ...env, PORT: '0' });
    const [, url] = await serve.waitFor(/bridge listening on (http:\/\/[\d.:]+)/);
    const answers = await provoke(url!, FORECASTER_TOKEN, 'eu');
    expect(answers.find((a) => a.name.startsWith('metrics'))?.text).toContain('bridge_whmcs_calls_total');
    places.push(...answers);
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    places.push(...outputs('serve', serve));
    expect(sim.requests.every((r) => r.action === 'getinvoices')).toBe(true);

    // A wrong secret: the source fails (once: WHMCS bans after three), and says why.
    const wrongEnv = { ...env, WHMCS_SECRET_ENV: WRONG_SECRET };
    sim.clearRequests();
    const wrong = runCli(bundle, ['sync', '--full'], wrongEnv);
    expect(await wrong.exit).toBe(1);
    places.push(...outputs('wrong-secret sync', wrong));
    expect(sim.requests).toHaveLength(1);
    const failing = runCli(bundle, ['serve'], { ...wrongEnv, PORT: '0' });
    const [, failingUrl] = await failing.waitFor(/bridge listening on (http:\/\/[\d.:]+)/);
    const source = await fetch(`${failingUrl}/v1/sources/eu`, {
      headers: { Authorization: `Bearer ${FORECASTER_TOKEN}` },
    });
    const view = (await source.json()) as {
      data: { state: string; lastError: { code: string; message: string } };
    };
    expect(view.data.state).toBe('failing');
    expect(view.data.lastError.code).toBe('auth_failed');
    places.push({ name: 'failing source', text: JSON.stringify(view) });
    places.push(...(await provoke(failingUrl!, FORECASTER_TOKEN, 'eu')));
    failing.child.kill('SIGTERM');
    expect(await failing.exit).toBe(0);
    places.push(...outputs('failing serve', failing));
    // The scheduler left the refused credential alone: still the one call.
    expect(sim.requests).toHaveLength(1);

    // Everything on disk: the store, its WAL and shared memory, whatever else is there.
    const files = filesUnder(dataDir).filter((f) => f.name !== configPath);
    expect(files.some((f) => f.name.endsWith('bridge.sqlite'))).toBe(true);
    places.push(...files.map((f) => ({ name: f.name, text: f.bytes })));

    expect(places.length).toBeGreaterThan(40);
    expect(leaks(places, [WHMCS_SECRET, WRONG_SECRET, ACCESS_KEY, FORECASTER_TOKEN])).toEqual([]);
  }, 120_000);

  it('the demo (`forecaster-bridge start` with no configuration) and BRIDGE_TOKEN', async () => {
    const cwd = tempDir();
    const demo = runCli(bundle, ['start'], { PORT: '0', BRIDGE_TOKEN: DEMO_TOKEN }, cwd);
    await demo.waitFor(/Stop: Ctrl\+C/, 150_000);
    const [, url] = /serving .* on (http:\/\/[\d.:]+)/.exec(demo.out())!;
    const places: Array<{ name: string; text: string | Buffer }> = await provoke(url!, DEMO_TOKEN, 'eu');
    expect(places.find((p) => p.name.startsWith('sources'))?.text).toContain('"state":"ok"');
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    // The demo tells its user which token to send: those lines, and only those, carry it.
    const told = /^(Token \(set BRIDGE_TOKEN to choose it\): |\s+curl -s -H 'Authorization: Bearer )/;
    const lines = demo.out().split('\n');
    expect(lines.filter((l) => l.includes(DEMO_TOKEN)).every((l) => told.test(l))).toBe(true);
    expect(lines.filter((l) => told.test(l))).toHaveLength(4);
    places.push({
      name: 'demo stdout (without its instructions)',
      text: lines.filter((l) => !told.test(l)).join('\n'),
    });
    places.push({ name: 'demo stderr', text: demo.err() });
    const files = filesUnder(join(cwd, 'data'));
    expect(files.some((f) => f.name.endsWith('bridge.sqlite'))).toBe(true);
    places.push(...files.map((f) => ({ name: f.name, text: f.bytes })));
    expect(leaks(places, [DEMO_TOKEN])).toEqual([]);
  }, 180_000);
});
