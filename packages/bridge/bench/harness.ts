/*
 * The benchmark's shared parts: the figures it reports (each next to its target), the
 * machine it ran on, and small statistics. Machines here are shared and noisy, so a figure
 * that is compared is compared with something measured in the same run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SimHost } from './children.ts';

/** A figure's target: `value <= limit` or `value >= limit`. */
export interface Target {
  op: '<=' | '>=' | '==';
  limit: number;
}

export interface Figure {
  /** Stable key, e.g. `full.bridge-vs-limit` (the smoke test checks every one is produced). */
  key: string;
  section: string;
  label: string;
  value: number;
  unit: string;
  /** Digits after the point when printed (default: 0 for values >= 100, else 2). */
  digits?: number;
  target?: Target;
}

export type Verdict = 'met' | 'not met' | '';

export function verdict(figure: Figure): Verdict {
  const { target, value } = figure;
  if (!target || !Number.isFinite(value)) return target ? 'not met' : '';
  const met =
    target.op === '<='
      ? value <= target.limit
      : target.op === '>='
        ? value >= target.limit
        : value === target.limit;
  return met ? 'met' : 'not met';
}

/** The parameter every section carries: when it was measured, how long it took, how busy the machine was. */
export const RUN_PARAM = 'measured';

export function runStamp(at: Date, seconds: number, loadBefore: number, loadAfter: number): string {
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${when}, ${Math.round(seconds)} s, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (1 min, ${cpus().length} cores)`;
}

/** Everything one run reports: the table, the parameters and the notes of each section. */
export class Report {
  readonly figures: Figure[] = [];
  readonly params: Array<{ section: string; name: string; value: string }> = [];
  readonly notes = new Map<string, string[]>();

  add(figure: Figure): Figure {
    this.figures.push(figure);
    return figure;
  }

  param(section: string, name: string, value: string | number): void {
    this.params.push({ section, name, value: typeof value === 'number' ? formatNumber(value) : value });
  }

  note(section: string, text: string): void {
    const list = this.notes.get(section) ?? [];
    list.push(text);
    this.notes.set(section, list);
  }

  get(key: string): Figure | undefined {
    return this.figures.find((f) => f.key === key);
  }
}

/** What every measurement gets: the report to add to, the simulator host, a progress line. */
export interface Context {
  report: Report;
  host: SimHost;
  log: (line: string) => void;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const MiB = 2 ** 20;

/** Peak and current resident set of a process, from /proc (Linux), in bytes. */
export function memoryOf(pid: number | 'self'): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const memory = { hwm: kb('VmHWM') * 1024, rss: kb('VmRSS') * 1024 };
    // A process still starting (or a zombie) has no memory lines yet.
    return Number.isFinite(memory.hwm) && Number.isFinite(memory.rss) ? memory : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CPU time this process's main thread (the one the event loop runs on) has used, in ms:
 * Linux's per-thread counters (/proc/self/task/<pid>/stat, in clock ticks of 10 ms), which
 * leave out the threads that collect garbage, compile code and do file I/O beside it.
 * Node 20 has no per-thread CPU call. NaN where /proc is not there.
 */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** A scratch directory, removed by {@link cleanUp}. */
const scratch: string[] = [];
export function tempDir(prefix = 'bridge-bench-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function cleanUp(): void {
  while (scratch.length) rmSync(scratch.pop()!, { recursive: true, force: true });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A deterministic PRNG (mulberry32): the same seed picks the same invoices to change. */
export { seededRandom as prng } from '../src/store/invoice-fixtures.ts';
