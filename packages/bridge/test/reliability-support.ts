import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { bundleCli as bundle } from '../scripts/bundle.ts';
import { type Bridge, type BridgeOptions, createBridge } from '../src/bridge.ts';
import { type BridgeConfigFile, loadConfig, type SourceConfigInput } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { configFor, type SimSource, simSource, TOKEN } from './harness.ts';

/*
 * Shared by the reliability tests (faults, crashes, properties, secrets, soak): a bridge with
 * per-source settings, the CLI as a child process, and readers that look at the bridge the
 * way the Forecaster does (through the API).
 */

export const AUTH = { Authorization: `Bearer ${TOKEN}` };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Runs `fn` after the current test (bridges, servers, files). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** The configuration file for these sources, each with `sourceExtra` merged in. */
export function reliabilityConfig(
  sources: SimSource[],
  sourceExtra: Partial<SourceConfigInput> = {},
  extra: Partial<BridgeConfigFile> = {},
) {
  const { file, env, dataDir } = configFor(sources, extra);
  file.sources = file.sources?.map((s) => ({ ...s, ...sourceExtra }));
  return { file, env, dataDir };
}

/**
 * A bridge on `file`, quiet unless a logger is given; closed after the test unless
 * `keepOpen` (then the caller closes it, e.g. in afterAll).
 */
export async function openBridge(
  file: BridgeConfigFile,
  env: NodeJS.ProcessEnv,
  { keepOpen = false, ...options }: BridgeOptions & { keepOpen?: boolean } = {},
): Promise<Bridge> {
  const config = loadConfig({ fallback: file, env });
  const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }), ...options });
  let closed = false;
  const close = bridge.close.bind(bridge);
  bridge.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  if (!keepOpen) onCleanup(() => bridge.close());
  return bridge;
}

type Item = { source: string; id: number };

/** Every live invoice the API lists, walking `/v1/invoices` to the end; asserts the order is strict. */
export async function listedInvoices(
  app: Bridge['app'],
  limit = 1000,
): Promise<Array<Item & Record<string, unknown>>> {
  const out: Array<Item & Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const res = await app.request(`/v1/invoices?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: AUTH,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      data: Array<Item & Record<string, unknown>>;
      nextCursor: string | null;
    };
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  const key = (i: Item) => `${i.source}:${String(i.id).padStart(12, '0')}`;
  for (let i = 1; i < out.length; i++)
    expect(key(out[i]!) > key(out[i - 1]!), 'strict (source, id) order').toBe(true);
  return out;
}

/** `PRAGMA integrity_check` of a SQLite file, read-only. */
export function integrityCheck(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Runs a read-only query against the store's file (what the bridge committed, nothing else). */
export function queryStore<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const PACKAGE = join(import.meta.dirname, '..');

/**
 * The CLI bundled as a deployment runs it (plain node, about 3x faster to start than tsx),
 * into a private file so that test files running side by side never share one.
 */
export async function bundleCli(entry: 'shipped' | 'demo' = 'shipped'): Promise<string> {
  const dir = join(
    PACKAGE,
    'node_modules/.cache/reliability',
    `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  mkdirSync(dir, { recursive: true });
  return bundle(join(dir, 'forecaster-bridge.mjs'), entry);
}

export function removeBundle(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}

export interface CliRun {
  child: ChildProcess;
  /** The exit code; null when killed by a signal. */
  exit: Promise<number | null>;
  out(): string;
  err(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Starts `node <bundle> ...args` with exactly `env` (plus PATH and HOME). */
export function runCli(bundle: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): CliRun {
  const child = spawn(process.execPath, [bundle, ...args], {
    ...(cwd ? { cwd } : {}),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    exit,
    out: () => stdout,
    err: () => stderr,
    async waitFor(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(stdout);
        if (m) return m;
        if (Date.now() > until || child.exitCode !== null)
          throw new Error(`no ${pattern} in:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** A deterministic PRNG (mulberry32): the same seed gives the same run. */
export function prng(seed: number): { next(): number; int(min: number, max: number): number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The CLI bundled for this test file: built before its tests, removed after them.
 *
 * @example const cli = bundledCli(); it('...', () => runCli(cli(), ['sync']))
 */
export function bundledCli(): () => string {
  let path: string | undefined;
  beforeAll(async () => {
    path = await bundleCli();
  }, 60_000);
  afterAll(() => {
    if (path) removeBundle(path);
  });
  return () => {
    if (!path) throw new Error('bundledCli(): the bundle is built in beforeAll');
    return path;
  };
}

/** Live (not deleted) invoices in the store file, read apart from the bridge. */
export function liveCount(storePath: string): number {
  return queryStore<{ n: number }>(
    storePath,
    'SELECT count(*) AS n FROM invoices WHERE deleted_at IS NULL',
  )[0]!.n;
}

/**
 * Source `eu` of a simulated WHMCS (`invoices`, `seed`), synced in full once by an in-process
 * bridge, with its configuration file written for the CLI. With `open`, the bridge stays open
 * until the test ends.
 */
export async function syncedSource(options: {
  invoices: number;
  seed: number;
  source?: Partial<SourceConfigInput>;
  open?: boolean;
}) {
  const eu = await simSource('eu', { invoices: options.invoices, seed: options.seed });
  const { file, env, dataDir } = reliabilityConfig([eu], { pageSize: 100, ...options.source });
  const bridge = await openBridge(file, env);
  expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
  if (!options.open) await bridge.close();
  const configPath = join(dataDir, 'bridge.json');
  writeFileSync(configPath, JSON.stringify(file));
  const storePath = join(dataDir, 'bridge.sqlite');
  return { eu, file, env, dataDir, bridge, configPath, storePath, live: () => liveCount(storePath) };
}

/** `GET /v1/sources/{id}` of an in-process bridge, as the API answers it. */
export async function sourceView<T>(app: Bridge['app'], id: string): Promise<T> {
  const body = (await (await app.request(`/v1/sources/${id}`, { headers: AUTH })).json()) as { data: T };
  return body.data;
}
