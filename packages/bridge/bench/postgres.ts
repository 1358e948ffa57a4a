/*
 * 5. PostgreSQL: the same bridge on its second store. A full sync into PostgreSQL against one
 * into SQLite (same simulator, same latency model, one run each alternately), and the API served
 * by one and by three bridges on one PostgreSQL database against one bridge on SQLite. The
 * database runs with its durable defaults (fsync, synchronous commit) on this machine's disk.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import { makeInvoices, seededRandom } from '../src/store/invoice-fixtures.ts';
import { openStore, type StoreOptions } from '../src/store/open.ts';
import { createDatabase, type PostgresServer, startPostgres } from '../src/store/testing/postgres-server.ts';
import { runSyncProcess, spawnBench } from './children.ts';
import type { Latency } from './cost-model.ts';
import { type Context, formatNumber, median, tempDir } from './harness.ts';
import { cannon, type ServingParams } from './serving.ts';

export const SECTION = '5. PostgreSQL';

export interface PostgresParams {
  /** Invoices of the full sync. */
  syncInvoices: number;
  latency: Latency;
  /** Runs per store (the median counts). */
  syncRuns: number;
  /** Invoices in the served store. */
  serveInvoices: number;
  seconds: number;
  connections: number;
  pageSize: number;
}

export interface StoreServeJob {
  dataDir: string;
  token: string;
  sources: string[];
  databaseUrl?: string;
  poolSize?: number;
}

const SOURCES = ['asia', 'eu', 'us'];

export async function measurePostgres(ctx: Context, params: PostgresParams): Promise<void> {
  const { report, host, log } = ctx;
  const server: PostgresServer = await startPostgres({ durability: 'durable' });
  const version = await serverVersion(server.url);
  report.param(
    SECTION,
    'PostgreSQL',
    `${version}, durable defaults (fsync on, synchronous_commit on), loopback TCP`,
  );
  try {
    // Full sync: SQLite and PostgreSQL alternately, each run into an empty store.
    const sim = await host.serve('pg-full-sync', params.syncInvoices, params.latency);
    report.param(
      SECTION,
      'full sync',
      `${formatNumber(sim.visible)} invoices, the latency model of section 1`,
    );
    const times: Record<'sqlite' | 'postgres', number[]> = { sqlite: [], postgres: [] };
    for (let i = 0; i < params.syncRuns; i++) {
      for (const kind of ['sqlite', 'postgres'] as const) {
        await host.clear(sim.key);
        const databaseUrl = kind === 'postgres' ? await createDatabase(server.url, 'bench_sync') : undefined;
        const outcome = await runSyncProcess({
          url: sim.url,
          secret: sim.secret,
          dataDir: tempDir(),
          ...(databaseUrl ? { databaseUrl } : {}),
        });
        times[kind].push(outcome.durationMs);
        log(`  full sync into ${kind}: ${(outcome.durationMs / 1000).toFixed(2)} s`);
      }
    }
    const sync = { sqlite: median(times.sqlite), postgres: median(times.postgres) };
    report.add({
      key: 'pg.full-sync',
      section: SECTION,
      label: `full sync of ${formatNumber(sim.visible)} invoices into PostgreSQL (SQLite: ${(sync.sqlite / 1000).toFixed(2)} s)`,
      value: sync.postgres / 1000,
      unit: 's',
    });
    report.add({
      key: 'pg.full-sync.ratio',
      section: SECTION,
      label:
        'full sync: PostgreSQL ÷ SQLite time (each page a durable commit over loopback TCP, against an in-process write)',
      value: (sync.postgres / sync.sqlite) * 100,
      unit: '%',
    });

    // Serving: the same invoices in SQLite and in PostgreSQL.
    const token = `bench-${randomBytes(24).toString('hex')}`;
    const sqliteDir = tempDir();
    const databaseUrl = await createDatabase(server.url, 'bench_serve');
    const fill = {
      sqlite: await fillStore({ kind: 'sqlite', path: `${sqliteDir}/bridge.sqlite` }, params.serveInvoices),
      postgres: await fillStore({ kind: 'postgres', url: databaseUrl }, params.serveInvoices),
    };
    log(
      `  filled: SQLite ${(fill.sqlite / 1000).toFixed(1)} s, PostgreSQL ${(fill.postgres / 1000).toFixed(1)} s`,
    );
    report.add({
      key: 'pg.fill-rate',
      section: SECTION,
      label: `store.applyPage into PostgreSQL, pages of 500, each source one full run (SQLite: ${formatNumber(params.serveInvoices / (fill.sqlite / 1000))} invoices/s)`,
      value: params.serveInvoices / (fill.postgres / 1000),
      unit: 'invoices/s',
    });
    report.param(
      SECTION,
      'serving',
      `${formatNumber(params.serveInvoices)} invoices in 3 sources; autocannon, ${params.connections} connections per bridge, ${params.seconds} s, GET /v1/invoices?limit=${params.pageSize} walking its cursor`,
    );
    const serving: ServingParams = {
      invoices: params.serveInvoices,
      pageSize: params.pageSize,
      seconds: params.seconds,
      rounds: 1,
      connections: params.connections,
      revenueRequests: 0,
    };
    const walk = { first: `/v1/invoices?limit=${params.pageSize}`, param: 'cursor' as const };
    const rps: Record<string, number> = {};
    for (const [name, count, url] of [
      ['sqlite', 1, undefined],
      ['postgres-1', 1, databaseUrl],
      ['postgres-3', 3, databaseUrl],
    ] as const) {
      const bridges = await Promise.all(
        Array.from({ length: count }, () =>
          startBridge({
            dataDir: url ? tempDir() : sqliteDir,
            token,
            sources: SOURCES,
            ...(url ? { databaseUrl: url, poolSize: 8 } : {}),
          }),
        ),
      );
      try {
        const results: autocannon.Result[] = await Promise.all(
          bridges.map((b) => cannon(b.url, walk, serving, token)),
        );
        rps[name] = results.reduce((sum, r) => sum + r.requests.average, 0);
        log(`  /v1/invoices, ${name}: ${rps[name]!.toFixed(0)} req/s`);
      } finally {
        await Promise.all(bridges.map((b) => b.stop()));
      }
    }
    for (const [key, label] of [
      ['postgres-1', 'one bridge on PostgreSQL'],
      ['postgres-3', 'three bridges on one PostgreSQL database, together'],
    ] as const) {
      report.add({
        key: `pg.serve.${key}`,
        section: SECTION,
        label: `GET /v1/invoices: ${label} (one bridge on SQLite: ${formatNumber(rps.sqlite!)} req/s)`,
        value: rps[key]!,
        unit: 'req/s',
      });
      report.add({
        key: `pg.serve.${key}.ratio`,
        section: SECTION,
        label: `GET /v1/invoices: ${label} ÷ one bridge on SQLite`,
        value: (rps[key]! / rps.sqlite!) * 100,
        unit: '%',
      });
    }
    report.note(
      SECTION,
      'Every process here (the bridges, PostgreSQL, the load generator) shares the same cores: three bridges cannot be three times one on this machine, and PostgreSQL adds a round trip and a server process per page that SQLite reads in-process. Behind a load balancer on separate hosts, bridges add their own cores; the database then bounds throughput.',
    );
  } finally {
    await server.stop();
  }
}

async function serverVersion(url: string): Promise<string> {
  const store = await openStore({ kind: 'postgres', url, poolSize: 1 });
  await store.close();
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return `PostgreSQL ${(await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v}`;
  } finally {
    await client.end();
  }
}

/**
 * Writes `invoices` generated invoices over SOURCES in pages of 500, each source as one full run
 * (as a sync writes it, finishFullRun at its end); resolves with the ms it took.
 */
async function fillStore(options: StoreOptions, invoices: number): Promise<number> {
  const store = await openStore(options);
  const started = performance.now();
  try {
    for (const [s, source] of SOURCES.entries()) {
      await store.upsertSource({ id: source, name: source });
      const count = Math.floor(invoices / SOURCES.length) + (s < invoices % SOURCES.length ? 1 : 0);
      const random = seededRandom(10 + s);
      for (let first = 1; first <= count; first += 500) {
        await store.applyPage(
          source,
          makeInvoices(random, source, first, Math.min(500, count - first + 1)),
          null,
          'fill',
        );
      }
      await store.finishFullRun(source, 'fill');
    }
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

async function startBridge(job: StoreServeJob): Promise<{ url: string; stop(): Promise<void> }> {
  const spawned = spawnBench('store-serve-process.ts', [JSON.stringify(job)]);
  const child: ChildProcess = spawned.child;
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bridge exited (${code}):\n${spawned.output()}`)));
    child.once('message', (message) => resolve(message as { url: string }));
  });
  return {
    url,
    async stop() {
      if (child.connected) child.disconnect();
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(0)));
    },
  };
}
