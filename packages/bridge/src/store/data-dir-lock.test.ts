import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataDirLockedError,
  DEMO_MARK_FILE,
  LOCK_FILE,
  lockDataDir,
  NotADemoDirError,
} from './data-dir-lock.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-dirlock-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A child process that holds the lock until killed (what a running `serve` does). */
async function holdInChild(dataDir: string) {
  const script = `
    import(${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).pathname)}).then(({ lockDataDir }) => {
      lockDataDir(${JSON.stringify(dataDir)}, { purpose: 'demo', url: 'http://127.0.0.1:8787' });
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return child;
}

describe('the data directory lock', () => {
  it('refuses a second holder while the first process lives, naming it, and leaves its data alone', async () => {
    const data = join(dir, 'demo');
    const child = await holdInChild(data);
    try {
      writeFileSync(join(data, 'bridge.sqlite'), 'the running demo');
      writeFileSync(join(data, DEMO_MARK_FILE), '');
      let error: unknown;
      try {
        lockDataDir(data, { purpose: 'demo' });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as DataDirLockedError).holder).toMatchObject({
        pid: child.pid,
        url: 'http://127.0.0.1:8787',
      });
      expect((error as Error).message).toContain(`pid ${child.pid}`);
      expect(existsSync(join(data, 'bridge.sqlite'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // Its holder is gone (SIGKILL: no exit handler ran): the lock is taken over.
    const lock = lockDataDir(data, { purpose: 'demo' });
    expect(lock.holder.pid).toBe(process.pid);
    lock.clearForDemo();
    expect(readdirSync(data).sort()).toEqual([LOCK_FILE, DEMO_MARK_FILE].sort());
    lock.release();
    expect(readdirSync(data)).toEqual([DEMO_MARK_FILE]);
  });

  it('lets the demo empty only a directory it made, or an empty one', () => {
    const real = join(dir, 'real');
    mkdirSync(join(real, 'attachments'), { recursive: true });
    writeFileSync(join(real, 'bridge.sqlite'), 'a real bridge');
    const lock = lockDataDir(real, { purpose: 'demo' });
    let error: unknown;
    try {
      lock.clearForDemo();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NotADemoDirError);
    expect((error as Error).message).toContain('attachments, bridge.sqlite');
    expect(readdirSync(real).sort()).toEqual(['attachments', LOCK_FILE, 'bridge.sqlite'].sort());
    lock.release();

    // A directory the demo made is emptied at its next start, mark kept.
    const demo = join(dir, 'demo');
    const first = lockDataDir(demo, { purpose: 'demo' });
    first.clearForDemo();
    writeFileSync(join(demo, 'bridge.sqlite'), 'last demo');
    first.release();
    const second = lockDataDir(demo, { purpose: 'demo' });
    second.clearForDemo();
    expect(readdirSync(demo).sort()).toEqual([LOCK_FILE, DEMO_MARK_FILE].sort());
    second.release();
  });

  it('takes over a torn lock file, and a lock of a dead pid', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    lockDataDir(dir, { purpose: 'serve' }).release();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), purpose: 'serve', startedAt: 'x' }),
    );
    const lock = lockDataDir(dir, { purpose: 'serve' });
    lock.update({ url: 'http://127.0.0.1:1' });
    expect(() => lockDataDir(dir, { purpose: 'other' })).not.toThrow(); // the same process may re-take it
    lock.release();
  });

  it('does not take over a live lock on another host', () => {
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: process.pid,
        host: 'elsewhere',
        purpose: 'serve',
        startedAt: '2026-01-01T00:00:00Z',
      }),
    );
    expect(() => lockDataDir(dir, { purpose: 'serve' })).toThrow(
      /in use by another bridge \(pid \d+ on elsewhere/,
    );
  });
});
