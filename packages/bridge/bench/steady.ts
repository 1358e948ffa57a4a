/*
 * 3b. Serving under a sync: many connections walking GET /v1/invoices while the bridge's
 * scheduler runs a full sync in the same process, against the same load without a sync,
 * alternating in one run. A reader must never wait behind the sync's writes.
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { spawnBench } from './children.ts';
import type { Latency } from './cost-model.ts';
import { type Context, formatNumber, percentile, tempDir } from './harness.ts';
import type { SteadyCommand, SteadyJob, SteadyMessage } from './steady-process.ts';

export const SECTION = '3b. Serving under a sync';

/** autocannon's own 10 s would cut a stall short and hide its length. */
const TIMEOUT_S = 60;

export interface SteadyParams {
  /** Invoices in the simulator: `base` holds them before, each sync writes them again. */
  invoices: number;
  latency: Latency;
  connections: number;
  pageSize: number;
  /** Rounds of (with a sync, without), alternating which goes first. */
  rounds: number;
}

interface Phase {
  /** Milliseconds of every answer, in order of arrival. */
  times: number[];
  /** Requests still unanswered when the phase ended (counted in `times` as long as they waited). */
  unanswered: number;
  durationMs: number;
}

/** The figures of one phase's answers. */
export function summarize(times: readonly number[]) {
  return {
    count: times.length,
    p99: percentile(times, 99),
    // A loop, not Math.max(...times): a phase can hold more answers than the stack has arguments.
    max: times.length ? times.reduce((a, b) => Math.max(a, b)) : Number.NaN,
    overOneSecond: times.filter((t) => t > 1000).length,
  };
}

/**
 * Runs the load until `until` settles (then stops it) or for `ms`. Each connection walks the
 * list from the start, carrying each answer's nextCursor. Answers are kept only while `keep()`.
 */
async function load(
  base: string,
  token: string,
  params: SteadyParams,
  until: Promise<unknown> | number,
  keep: () => boolean = () => true,
): Promise<Phase> {
  type Walking = { next?: string };
  const first = `/v1/invoices?limit=${params.pageSize}`;
  const request: autocannon.Request = {
    method: 'GET',
    setupRequest: (req, context) => ({ ...req, path: (context as Walking).next ?? first }),
    onResponse: (_status, body, context) => {
      const cursor = /"hasMore":false/.test(body.slice(-200))
        ? undefined
        : /"nextCursor":"([^"]+)"/.exec(body.slice(-1000))?.[1];
      (context as Walking).next = cursor ? `${first}&cursor=${cursor}` : undefined;
    },
  };
  const times: number[] = [];
  // When each connection's request in flight was sent: one still unanswered when the phase ends
  // (its connection perhaps never accepted) counts as an answer as slow as it had waited.
  const sent = new Map<object, number>();
  let failed = 0;
  const started = performance.now();
  let done!: (result: autocannon.Result) => void;
  let failedRun!: (err: Error) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failedRun = reject;
  });
  const instance = autocannon(
    {
      url: base,
      connections: params.connections,
      // Stopped by `until`; long enough for any sync.
      duration: typeof until === 'number' ? until / 1000 : 3600,
      timeout: TIMEOUT_S,
      headers: { authorization: `Bearer ${token}` },
      requests: [request],
      setupClient: (client) => {
        // autocannon's client emits 'request' as it writes one (its types leave the event out).
        (client as unknown as EventEmitter).on('request', () => sent.set(client, performance.now()));
      },
    },
    (err, result) => (err ? failedRun(err) : done(result)),
  );
  instance.on('response', (client, status, _bytes, ms) => {
    sent.delete(client);
    if (status !== 200) failed++;
    else if (keep()) times.push(ms);
  });
  let unanswered = 0;
  const countUnanswered = () => {
    const now = performance.now();
    unanswered = sent.size;
    if (keep()) for (const at of sent.values()) times.push(now - at);
    sent.clear();
  };
  if (typeof until !== 'number')
    void until.finally(() => {
      countUnanswered();
      instance.stop();
    });
  const result = await finished;
  // A phase of fixed length ends with autocannon's own stop, after its last answers.
  if (typeof until === 'number') countUnanswered();
  // A request that timed out (autocannon then reconnects) is an answer that never came: it
  // counts as one of TIMEOUT_S, not as a failure of the run.
  if (keep()) for (let i = 0; i < result.timeouts; i++) times.push(TIMEOUT_S * 1000);
  if (failed > 0 || result.errors > result.timeouts)
    throw new Error(
      `${base}${first}: ${failed} non-2xx, ${result.errors - result.timeouts} errors besides ${result.timeouts} timeouts`,
    );
  return { times, unanswered, durationMs: performance.now() - started };
}

export async function measureSteady(ctx: Context, params: SteadyParams): Promise<void> {
  const { report, host, log } = ctx;
  const endpoint = await host.serve('steady', params.invoices, params.latency);
  const token = `bench-${randomBytes(24).toString('hex')}`;
  const job: SteadyJob = {
    url: endpoint.url,
    secret: endpoint.secret,
    dataDir: tempDir(),
    token,
    rounds: params.rounds,
  };
  const spawned = spawnBench('steady-process.ts', [JSON.stringify(job)]);
  const waiters: Array<(message: SteadyMessage) => void> = [];
  spawned.child.on('message', (message: SteadyMessage) => {
    for (const waiter of [...waiters]) waiter(message);
  });
  const next = (kind: SteadyMessage['kind']) =>
    new Promise<SteadyMessage>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`steady process exited (${code}):\n${spawned.output()}`));
      spawned.child.once('exit', onExit);
      const waiter = (message: SteadyMessage) => {
        if (message.kind !== kind) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        spawned.child.off('exit', onExit);
        resolve(message);
      };
      waiters.push(waiter);
    });
  try {
    const ready = (await next('ready')) as Extract<SteadyMessage, { kind: 'ready' }>;
    log(`  base synced: ${formatNumber(ready.invoices)} invoices`);
    const withSync: number[] = [];
    const without: number[] = [];
    const loads: number[] = [];
    const loopWith: Array<Extract<SteadyMessage, { kind: 'delay' }>> = [];
    const loopWithout: Array<Extract<SteadyMessage, { kind: 'delay' }>> = [];
    const stalls = async () => {
      const reply = next('delay') as Promise<Extract<SteadyMessage, { kind: 'delay' }>>;
      spawned.child.send({ op: 'delay' } satisfies SteadyCommand);
      return reply;
    };
    let unansweredWith = 0;
    let unansweredWithout = 0;
    let syncMs = 0;
    let syncTotalMs = 0;
    let quietTotalMs = 0;
    for (let round = 0; round < params.rounds; round++) {
      const syncing = async () => {
        // Answers count from the sync's first page to its end (the scheduler's tick is before).
        let during = false;
        const started = next('started').then(() => {
          during = true;
        });
        const finished = next('finished') as Promise<Extract<SteadyMessage, { kind: 'finished' }>>;
        const phase = load(ready.url, token, params, finished, () => during);
        spawned.child.send({ op: 'sync', round } satisfies SteadyCommand);
        await started;
        await stalls();
        const run = await finished;
        loopWith.push(await stalls());
        if (run.result !== 'ok' || run.inserted !== params.invoices)
          throw new Error(`round ${round}: the sync ended ${run.result} with ${run.inserted} inserted`);
        const answers = await phase;
        withSync.push(...answers.times);
        unansweredWith += answers.unanswered;
        syncMs = Math.max(syncMs, run.durationMs);
        syncTotalMs += run.durationMs;
        log(
          `  round ${round}: sync of ${formatNumber(run.inserted)} in ${(run.durationMs / 1000).toFixed(1)} s`,
        );
        return run.durationMs;
      };
      const quiet = async (ms: number) => {
        await stalls();
        const phase = await load(ready.url, token, params, Math.max(2000, ms));
        without.push(...phase.times);
        unansweredWithout += phase.unanswered;
        quietTotalMs += phase.durationMs;
        loopWithout.push(await stalls());
      };
      loads.push(loadAverage());
      if (round % 2 === 0) await quiet(await syncing());
      else {
        await quiet(syncMs || 5000);
        await syncing();
      }
      loads.push(loadAverage());
    }
    const a = summarize(withSync);
    const b = summarize(without);
    log(
      `  with a sync: p99 ${a.p99.toFixed(0)} ms, max ${a.max.toFixed(0)} ms, ${unansweredWith} unanswered at the end; without: p99 ${b.p99.toFixed(0)} ms, max ${b.max.toFixed(0)} ms, ${unansweredWithout} unanswered`,
    );
    report.param(
      SECTION,
      'load',
      `autocannon 8, ${params.connections} connections walking GET /v1/invoices?limit=${params.pageSize} (cursor), timeout ${TIMEOUT_S} s (a request timed out counts as an answer of ${TIMEOUT_S} s, one unanswered when its phase ends as one of the time it waited); ${params.rounds} rounds alternating which phase goes first`,
    );
    report.param(
      SECTION,
      'sync',
      `the bridge's scheduler, in the serving process (createBridge + listen), syncs a new source of ${formatNumber(params.invoices)} invoices in full (the bridge's defaults, latency model on) beside a synced one of the same size; the phase without a sync lasts as long as the sync`,
    );
    report.param(
      SECTION,
      'load average',
      `${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} (1 min, over the rounds)`,
    );
    const add = (
      key: string,
      label: string,
      value: number,
      unit: string,
      target?: { op: '<=' | '=='; limit: number },
    ) =>
      report.add({
        key: `steady.${key}`,
        section: SECTION,
        label,
        value,
        unit,
        ...(target ? { target } : {}),
      });
    add('sync.max', `with a sync: slowest answer (${formatNumber(a.count)} answers)`, a.max, 'ms');
    add('sync.p99', 'with a sync: latency p99', a.p99, 'ms');
    add('sync.over-1s', 'with a sync: answers over 1 s', a.overOneSecond, '', { op: '==', limit: 0 });
    add('quiet.max', `without a sync: slowest answer (${formatNumber(b.count)} answers)`, b.max, 'ms');
    add('quiet.p99', 'without a sync: latency p99', b.p99, 'ms');
    add('quiet.over-1s', 'without a sync: answers over 1 s', b.overOneSecond, '');
    type Loop = Extract<SteadyMessage, { kind: 'delay' }>;
    // The loop's longest stall, with the longest GC pause and the CPU the process got per second.
    const stall = (list: Loop[], phase: string) => {
      const worst = Math.max(...list.map((d) => d.maxMs));
      const gc = Math.max(...list.map((d) => d.gcMaxMs));
      return {
        worst,
        label: `${phase}: the bridge process's longest event-loop stall (longest GC pause ${gc.toFixed(0)} ms)`,
      };
    };
    const withStall = stall(loopWith, 'with a sync');
    const quietStall = stall(loopWithout, 'without a sync');
    add('sync.loop-stall', withStall.label, withStall.worst, 'ms');
    add('quiet.loop-stall', quietStall.label, quietStall.worst, 'ms');
    const cpuShare = (list: Loop[], ms: number) => list.reduce((sum, d) => sum + d.cpuMs, 0) / ms;
    log(
      `  bridge CPU: ${cpuShare(loopWith, syncTotalMs).toFixed(2)} cores with a sync, ${cpuShare(loopWithout, quietTotalMs).toFixed(2)} without`,
    );
    add('p99-ratio', 'latency p99 with a sync ÷ without', a.p99 / b.p99, '×', { op: '<=', limit: 3 });
  } finally {
    if (spawned.child.connected) spawned.child.disconnect();
    await new Promise((resolve) =>
      spawned.child.exitCode === null ? spawned.child.once('exit', resolve) : resolve(0),
    );
    await host.close('steady');
  }
}

const loadAverage = () => loadavg()[0]!;
