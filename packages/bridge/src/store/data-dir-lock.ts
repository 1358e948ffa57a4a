import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { holderIsDead } from './lease.ts';

/*
 * One serving bridge per data directory: `start`, `serve` and the demo take this lock before
 * they touch anything in it (the demo empties it), so that a second one cannot delete the
 * data of the first. `bridge sync` does not take it: it may run beside `serve`, and the
 * per-source sync lease in the store keeps the two from syncing one source at once.
 */

export interface DataDirHolder {
  pid: number;
  host: string;
  purpose: string;
  startedAt: string;
  /** Where the holder serves, once it does (e.g. http://127.0.0.1:8787). */
  url?: string;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'data_dir_locked';

  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `${dataDir} is in use by another bridge (pid ${holder.pid} on ${holder.host}, ${holder.purpose}` +
        `${holder.url ? `, serving on ${holder.url}` : ''}, since ${holder.startedAt}): stop it, or use another data directory`,
    );
  }
}

/**
 * The demo empties its data directory at every start; a directory it did not make (a real
 * bridge's, given to `--data-dir` by mistake) is refused instead, with nothing touched.
 */
export class NotADemoDirError extends Error {
  override readonly name = 'NotADemoDirError';
  readonly code = 'data_dir_not_demo';

  constructor(
    readonly dataDir: string,
    readonly entries: string[],
  ) {
    const shown =
      entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
    super(
      `${dataDir} holds files the demo did not make (${shown}): the demo empties its data directory ` +
        'at every start, so it only uses an empty directory or one it made. Nothing was touched; ' +
        'pass --data-dir with a new or empty directory.',
    );
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly file: string;
  readonly holder: DataDirHolder;
  /** Adds what a second bridge should be told (the URL once listening). */
  update(info: { url?: string }): void;
  /**
   * For the demo: empties the data directory (all but the lock) and marks it as the demo's.
   * Throws {@link NotADemoDirError}, touching nothing, when it holds files and no demo mark.
   */
  clearForDemo(): void;
  /** Idempotent; also runs when the process exits. */
  release(): void;
}

export const LOCK_FILE = 'bridge.lock';
/** Written by the demo into the directory it empties; its absence protects everything else. */
export const DEMO_MARK_FILE = 'demo-data-dir';

function readHolder(file: string): DataDirHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DataDirHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed as DataDirHolder;
  } catch {}
  // Missing, empty or torn (a crash while writing it): no one can be relying on it.
  return undefined;
}

/**
 * Takes `<dataDir>/bridge.lock`, creating the directory. Throws {@link DataDirLockedError}
 * when a live process holds it; a lock left by a process that is gone from this host is taken
 * over.
 *
 * @example const lock = lockDataDir(config.dataDir, { purpose: 'serve' }); ...; lock.release()
 */
export function lockDataDir(dataDir: string, info: { purpose: string; url?: string }): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const holder: DataDirHolder = {
    pid: process.pid,
    host: hostname(),
    purpose: info.purpose,
    startedAt: new Date().toISOString(),
    ...(info.url ? { url: info.url } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      // O_EXCL: of two bridges starting together, exactly one creates the file.
      const fd = openSync(file, 'wx');
      try {
        writeFileSync(fd, JSON.stringify(holder));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      const current = readHolder(file);
      if (
        current &&
        !(current.pid === process.pid && current.host === holder.host) &&
        !holderIsDead(current)
      ) {
        throw new DataDirLockedError(dir, current);
      }
      // Stale: move it aside (atomic, so two takers cannot both remove a fresh lock) and retry.
      const aside = `${file}.stale-${process.pid}-${attempt}`;
      try {
        renameSync(file, aside);
        rmSync(aside, { force: true });
      } catch {}
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readHolder(file);
    if (
      current?.pid === holder.pid &&
      current.host === holder.host &&
      current.startedAt === holder.startedAt
    ) {
      rmSync(file, { force: true });
    }
  };
  process.on('exit', release);
  return {
    dataDir: dir,
    file,
    holder,
    update(more) {
      if (released) return;
      Object.assign(holder, more);
      writeFileSync(file, JSON.stringify(holder));
    },
    clearForDemo() {
      const entries = readdirSync(dir).filter((name) => name !== LOCK_FILE);
      if (entries.length > 0 && !entries.includes(DEMO_MARK_FILE)) {
        throw new NotADemoDirError(dir, entries.sort());
      }
      for (const name of entries) rmSync(join(dir, name), { recursive: true, force: true });
      writeFileSync(
        join(dir, DEMO_MARK_FILE),
        'Made by the Forecaster Bridge demo, which empties this directory at every start.\n',
      );
    },
    release,
  };
}
