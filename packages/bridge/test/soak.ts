import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import autocannon from 'autocannon';
import { createBridge } from '../src/bridge.ts';
import { type BridgeConfigFile, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

/*
 * The soak: autocannon against /v1/invoices, /v1/changes and /v1/revenue while a full sync
 * writes every invoice, loopback only. It passes when there is no error at all (non-2xx,
 * socket errors, timeouts) and the bridge's RSS stays flat: after a warm-up, the end must not
 * exceed start x 1.5 + 30 MB. The bridge runs as its own process (`forecaster-bridge serve`), so the RSS
 * is the bridge's alone; the simulated WHMCS and autocannon run here.
 *
 *   pnpm soak                                   # 60 s, 50 connections
 *   pnpm soak --duration 10 --connections 20
 *
 * `runSoak` is also called by soak.test.ts with a few seconds and a few connections.
 */

export interface SoakOptions {
  /** Seconds of measured load (after the warm-up). */
  durationSec: number;
  connections: number;
  /** Invoices in the simulated WHMCS. */
  invoices?: number;
  /** Seconds of load before RSS is first measured (default: 15 % of the duration, 1 to 10 s). */
  warmupSec?: number;
  log?: (line: string) => void;
}

export interface EndpointResult {
  path: string;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  rps: number;
}

export interface SoakResult {
  endpoints: EndpointResult[];
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  rssLimitMb: number;
  /** The full sync was running when the load started, and when it ended (or finished in between). */
  syncRunningAtStart: boolean;
  syncRunningAtEnd: boolean;
  syncRowsDuringLoad: number;
  ok: boolean;
  failures: string[];
}

const TOKEN = 'soak-token-Marmot-7312-long-enough-000001';
const PAGE = 100;
const CONCURRENCY = 2;

const ENDPOINTS = ['/v1/invoices?limit=100', '/v1/changes?limit=100', '/v1/revenue'];

/** The resident set of a process, in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  }
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) / 1024
  );
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function syncStatus(url: string): Promise<{ running: boolean; rowsDone: number }> {
  const res = await fetch(`${url}/v1/sources/eu/sync`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { running: boolean; progress?: { rowsDone: number } };
  return { running: body.running, rowsDone: body.progress?.rowsDone ?? 0 };
}

function load(url: string, connections: number, seconds: number) {
  // The connections are shared out over the three endpoints, each with its own latency histogram.
  const share = (i: number) => Math.floor(connections / 3) + (i < connections % 3 ? 1 : 0);
  return Promise.all(
    ENDPOINTS.map((path, i) =>
      autocannon({
        url: `${url}${path}`,
        connections: Math.max(1, share(i)),
        duration: seconds,
        headers: { authorization: `Bearer ${TOKEN}` },
        timeout: 10,
      }).then(
        (r): EndpointResult => ({
          path,
          requests: r.requests.total,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          p50: r.latency.p50,
          p99: r.latency.p99,
          rps: round(r.requests.average, 0),
        }),
      ),
    ),
  );
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const invoices = options.invoices ?? 20_000;
  const warmupSec = options.warmupSec ?? Math.min(10, Math.max(1, Math.round(options.durationSec * 0.15)));
  const dir = mkdtempSync(join(tmpdir(), 'bridge-soak-'));
  const secret = 'soak-secret-Heron-2231';
  const served = await serveWhmcsSimulator({
    seed: 4242,
    invoices,
    clients: Math.max(10, Math.round(invoices / 25)),
    credentials: [{ identifier: 'forecaster', secret, admin: 'forecaster', actions: ['GetInvoices'] }],
    allowlist: ['127.0.0.1'],
  });
  const sim = served.sim;
  let child: ChildProcess | undefined;
  try {
    const file: BridgeConfigFile = {
      dataDir: dir,
      listen: { host: '127.0.0.1', port: 0 },
      rateLimit: { requestsPerMinute: 1_000_000_000 },
      // info: the child says where it listens (and little else: a line per sync).
      log: { level: 'info', format: 'json' },
      sources: [
        {
          id: 'eu',
          url: served.url,
          credentials: { identifier: 'forecaster', secret: { env: 'SOAK_WHMCS_SECRET' } },
          pageSize: PAGE,
          concurrency: CONCURRENCY,
          sync: { incrementalEvery: '1h', fullEvery: '7d' },
        },
      ],
    };
    const env = { SOAK_WHMCS_SECRET: secret, BRIDGE_TOKEN: TOKEN };

    // The store the Forecaster reads: a first full sync, at full speed.
    log(`soak: syncing ${invoices} invoices first...`);
    const first = await createBridge(loadConfig({ fallback: file, env }), {
      logger: createLogger({ level: process.env.SOAK_DEBUG ? 'debug' : 'silent' }),
    });
    const firstRun = await first.engine.run('eu', 'full');
    await first.close();
    if (firstRun.result !== 'ok') throw new Error(`the first sync failed: ${JSON.stringify(firstRun.error)}`);

    // Then every invoice changes, and WHMCS slows down so that the next full sync, which
    // rewrites them all, lasts longer than the load.
    for (const inv of [...sim.invoices()]) sim.updateInvoice(inv.id, { notes: `soak ${inv.id}` });
    const rounds = Math.ceil(invoices / PAGE / CONCURRENCY);
    const delayMs = Math.ceil(((options.durationSec + warmupSec) * 1000 * 1.3) / rounds);
    sim.faults.add({ kind: 'slow', delayMs });

    const configPath = join(dir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const cli = join(import.meta.dirname, '../src/cli/main.ts');
    child = spawn(process.execPath, ['--import', 'tsx', cli, '--config', configPath, 'serve'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const waitUntil = Date.now() + 60_000;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /bridge listening on (http:\/\/[\d.:]+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        } else if (child!.exitCode !== null || Date.now() > waitUntil) {
          clearInterval(timer);
          reject(new Error(`the bridge did not start: ${out}`));
        }
      }, 25);
    });
    const pid = child.pid!;

    log(`soak: bridge ${url} (pid ${pid}); warm-up ${warmupSec} s with ${options.connections} connections`);
    const started = await fetch(`${url}/v1/sources/eu/sync`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"mode":"full"}',
    });
    if (started.status !== 202) throw new Error(`could not start the full sync: ${started.status}`);
    const warm = await load(url, options.connections, warmupSec);

    const rssStart = rssMb(pid);
    const atStart = await syncStatus(url);
    log(`soak: ${options.durationSec} s of load while the full sync runs; RSS ${round(rssStart)} MB`);
    let rssMax = rssStart;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, rssMb(pid));
    }, 500);
    const endpoints = await load(url, options.connections, options.durationSec);
    clearInterval(sampler);
    const rssEnd = rssMb(pid);
    rssMax = Math.max(rssMax, rssEnd);
    const atEnd = await syncStatus(url);

    const failures: string[] = [];
    for (const e of [...warm, ...endpoints]) {
      if (e.non2xx || e.errors || e.timeouts)
        failures.push(`${e.path}: ${e.non2xx} non-2xx, ${e.errors} errors, ${e.timeouts} timeouts`);
      if (e.requests === 0) failures.push(`${e.path}: no request completed`);
    }
    const rssLimit = rssStart * 1.5 + 30;
    if (rssEnd > rssLimit) failures.push(`RSS grew from ${round(rssStart)} MB to ${round(rssEnd)} MB`);
    if (!atStart.running) failures.push('the full sync was not running when the measured load started');
    const rowsDuringLoad = atEnd.running ? atEnd.rowsDone - atStart.rowsDone : Number.NaN;
    if (atEnd.running && rowsDuringLoad <= 0) failures.push('the full sync wrote nothing during the load');

    log('');
    log(`endpoint                   requests    req/s    p50 ms   p99 ms   non-2xx  errors`);
    for (const e of endpoints) {
      log(
        `${e.path.padEnd(26)} ${String(e.requests).padStart(8)} ${String(e.rps).padStart(8)} ${String(e.p50).padStart(9)} ${String(e.p99).padStart(8)} ${String(e.non2xx).padStart(9)} ${String(e.errors + e.timeouts).padStart(7)}`,
      );
    }
    log(
      `RSS: start ${round(rssStart)} MB (after ${warmupSec} s warm-up), end ${round(rssEnd)} MB, max ${round(rssMax)} MB; limit ${round(rssLimit)} MB`,
    );
    log(
      `full sync: running at start ${atStart.running} (${atStart.rowsDone} rows), at end ${atEnd.running} (${atEnd.rowsDone} rows)`,
    );
    log(failures.length ? `soak FAILED:\n  ${failures.join('\n  ')}` : 'soak passed: no errors, RSS flat');

    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
    return {
      endpoints,
      rssStartMb: round(rssStart),
      rssEndMb: round(rssEnd),
      rssMaxMb: round(rssMax),
      rssLimitMb: round(rssLimit),
      syncRunningAtStart: atStart.running,
      syncRunningAtEnd: atEnd.running,
      syncRowsDuringLoad: rowsDuringLoad,
      ok: failures.length === 0,
      failures,
    };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '50' },
      invoices: { type: 'string', default: '20000' },
    },
  });
  const durationSec = Number(values.duration);
  const connections = Number(values.connections);
  const invoices = Number(values.invoices);
  for (const [name, n] of [
    ['--duration', durationSec],
    ['--connections', connections],
    ['--invoices', invoices],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`soak: ${name} must be a whole number of at least 1\n`);
      process.exit(2);
    }
  }
  const result = await runSoak({ durationSec, connections, invoices });
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && /[/\\]soak\.ts$/.test(process.argv[1])) {
  main().catch((err) => {
    process.stderr.write(`soak: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
