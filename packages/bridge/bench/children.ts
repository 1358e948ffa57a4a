/*
 * The benchmark's other processes: the simulator host (sim-process.ts), one-off full syncs
 * (sync-process.ts) and the API server (serve-process.ts). Each is TypeScript run by tsx,
 * spoken to over IPC, and sampled for memory from /proc while it runs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Latency } from './cost-model.ts';
import { memoryOf } from './harness.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The bridge package: children resolve `tsx` and workspace packages from here. */
export const PACKAGE_DIR = join(HERE, '..');

/** Starts `bench/<entry>` under tsx with an IPC channel; stdout and stderr are kept for errors. */
export function spawnBench(
  entry: string,
  args: string[] = [],
): { child: ChildProcess; output: () => string } {
  const child = fork(join(HERE, entry), args, {
    cwd: PACKAGE_DIR,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

/** Resolves with the child's first IPC message, or rejects when it exits first. */
function firstMessage<T>(child: ChildProcess, output: () => string, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${what} exited (${code}) before answering:\n${output()}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

// The simulator host

export type SimCommand =
  | { op: 'start'; key: string; invoices: number; latency: Latency; secret: string }
  | { op: 'calls'; key: string }
  | { op: 'clear'; key: string }
  | { op: 'close'; key: string };

export interface SimReply {
  id: number;
  result?: {
    ready?: boolean;
    url?: string;
    visible?: number;
    calls?: Array<[rows: number, skipped: number]>;
    requests?: number;
  };
  error?: string;
}

export interface SimEndpoint {
  key: string;
  url: string;
  secret: string;
  /** Invoices GetInvoices can return. */
  visible: number;
  latency: Latency;
}

/** Simulated WHMCS installs served by one other process. */
export class SimHost {
  readonly #child: ChildProcess;
  readonly #output: () => string;
  readonly #pending = new Map<number, (reply: SimReply) => void>();
  readonly #secret = randomBytes(12).toString('hex');
  #next = 1;

  private constructor(spawned: { child: ChildProcess; output: () => string }) {
    this.#child = spawned.child;
    this.#output = spawned.output;
    this.#child.on('message', (reply: SimReply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  static async start(): Promise<SimHost> {
    const spawned = spawnBench('sim-process.ts');
    await firstMessage<SimReply>(spawned.child, spawned.output, 'the simulator process');
    return new SimHost(spawned);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  #send(command: SimCommand): Promise<NonNullable<SimReply['result']>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) =>
        reply.error
          ? reject(new Error(`simulator: ${reply.error}\n${this.#output()}`))
          : resolve(reply.result ?? {}),
      );
      this.#child.send({ id, command });
    });
  }

  async serve(key: string, invoices: number, latency: Latency): Promise<SimEndpoint> {
    const result = await this.#send({ op: 'start', key, invoices, latency, secret: this.#secret });
    return { key, url: result.url!, secret: this.#secret, visible: result.visible!, latency };
  }

  /** GetInvoices calls since the last clear: rows returned and rows skipped by limitstart. */
  async calls(key: string): Promise<Array<{ rows: number; skipped: number }>> {
    const result = await this.#send({ op: 'calls', key });
    return (result.calls ?? []).map(([rows, skipped]) => ({ rows, skipped }));
  }

  async clear(key: string): Promise<void> {
    await this.#send({ op: 'clear', key });
  }

  async close(key: string): Promise<void> {
    await this.#send({ op: 'close', key });
  }

  stop(): void {
    this.#child.disconnect();
  }
}

// One full sync in its own process

export interface SyncJob {
  url: string;
  secret: string;
  dataDir: string;
  /** A PostgreSQL database to sync into instead of SQLite in dataDir. */
  databaseUrl?: string;
  /** Absent: the bridge's default. */
  pageSize?: number;
  concurrency?: number;
  fullWalk?: 'both-ends' | 'one-end';
  maxPageSize?: number;
}

export interface SyncOutcome {
  durationMs: number;
  cpuMs: number;
  /** CPU time of the main thread alone (the event loop): see harness.mainThreadCpuMs. */
  mainCpuMs: number;
  result: string;
  calls: number;
  rowsRead: number;
  inserted: number;
  pageSize: number;
  concurrency: number;
  /** RSS once the bridge was created, before the sync. */
  rssBeforeBytes: number;
  /** The process's peak RSS (VmHWM) at the end of the sync. */
  hwmBytes: number;
  /** The most heap in use right after a major GC (0: none happened). */
  liveHeapBytes: number;
  /** The highest RSS this process saw while sampling the child every 50 ms. */
  sampledPeakBytes?: number;
  storePath: string;
}

export async function runSyncProcess(job: SyncJob): Promise<SyncOutcome> {
  const spawned = spawnBench('sync-process.ts', [JSON.stringify(job)]);
  let sampled = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(spawned.child.pid!);
    if (memory) sampled = Math.max(sampled, memory.rss);
  }, 50);
  try {
    const outcome = await firstMessage<SyncOutcome>(spawned.child, spawned.output, 'the sync process');
    if (outcome.result !== 'ok')
      throw new Error(`the full sync ended ${outcome.result}:\n${spawned.output()}`);
    return { ...outcome, sampledPeakBytes: sampled };
  } finally {
    clearInterval(timer);
    await new Promise((resolve) =>
      spawned.child.exitCode === null ? spawned.child.once('exit', resolve) : resolve(0),
    );
  }
}
