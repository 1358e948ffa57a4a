import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, DEMO_BUNDLE } from '../scripts/bundle.ts';
import { tempDir } from './harness.ts';
import { runCli } from './reliability-support.ts';
import { openTerminal, type Terminal } from './terminal.ts';

/*
 * The first run as a newcomer has it: `pnpm start` (the demo) in a real terminal, Ctrl-C at each
 * phase, a second start while one serves, and a supervisor stopping `pnpm start`.
 */

const REPO = join(import.meta.dirname, '../../..');
const TOKEN = 'demo-token-first-run-Heron-4471-Kestrel';
let terminal: Terminal | undefined;

beforeAll(() => bundleCli(DEMO_BUNDLE, 'demo'), 60_000);
afterEach(() => terminal?.close());

function demoInTerminal(dataDir: string, port = '0'): Terminal {
  terminal = openTerminal(['node', DEMO_BUNDLE, 'start', '--data-dir', dataDir], {
    cwd: tempDir(),
    env: { PORT: port, BRIDGE_TOKEN: TOKEN },
  });
  return terminal;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sqliteSidecars = (dir: string) => readdirSync(dir).filter((f) => /-(wal|shm)$/.test(f));

describe('the demo in a terminal', () => {
  it('Ctrl-C during the first sync restores the cursor and line wrapping, says what happens next, prints a summary and closes the store', async () => {
    const dataDir = join(tempDir(), 'demo');
    const term = demoInTerminal(dataDir);
    await term.waitFor(/\d+ pages \| full:walk/);
    term.press('C-c');
    const exit = await term.exited();
    const screen = term.screen();
    expect(exit).toEqual({ status: 0, cursorVisible: true, wraps: true });
    expect(screen).toContain(
      'SIGINT: stopping the demo. Nothing is kept: the next `pnpm start` starts afresh (new simulated WHMCS data, a new first sync).',
    );
    expect(screen).not.toContain('resume from their checkpoints');
    expect(screen).toMatch(/eu\s+full\s+aborted/);
    expect(screen).toMatch(/us\s+full\s+aborted/);
    expect(screen).toContain('stopped.');
    expect(existsSync(join(dataDir, 'bridge.sqlite'))).toBe(true);
    expect(sqliteSidecars(dataDir)).toEqual([]);
  }, 90_000);

  it('logs one line a record above the bars, ends the bars at what was read, explains the uncounted invoices; a second start on the port changes nothing; Ctrl-C while serving', async () => {
    const dataDir = join(tempDir(), 'demo');
    const port = await freePort();
    const term = demoInTerminal(dataDir, String(port));
    const screen = await term.waitFor(/Stop: Ctrl\+C/, 120_000);
    const lines = screen.split('\n');

    // Records and bars never share a line, and each record is one line.
    const records = lines.filter((l) => /sync (started|done)/.test(l));
    expect(records.length).toBeGreaterThanOrEqual(4);
    for (const line of records) expect(line).not.toMatch(/invoices \|/);
    expect(lines.filter((l) => /(eu|us): full sync done: \d+ read/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /^\s+(mode|runId|durationMs|source):/.test(l))).toEqual([]);

    // WHMCS counts 30 orphaned invoices it never returns: the bar ends at what was read, and
    // the numbers the user sees agree, with the difference explained.
    expect(screen).toMatch(/eu\s+\|.*\| 100% \| 29970\/29970 invoices/);
    expect(screen).toContain(
      'eu: WHMCS counts 30,000 invoices and returned 29,970: the other 30 belong to deleted clients, and WHMCS never returns those (orphans).',
    );
    expect(screen).not.toMatch(/Syncing 50000/);
    expect(screen).toContain(`serving 49,970 invoices (eu 29,970, us 20,000) on http://127.0.0.1:${port}`);

    // A second start on the same port and data directory: refused before touching anything.
    const before = readdirSync(dataDir).sort();
    const second = runCli(DEMO_BUNDLE, ['start', '--data-dir', dataDir], { PORT: String(port) }, tempDir());
    const started = Date.now();
    expect(await second.exit).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(second.err()).toContain(`another bridge is serving on 127.0.0.1:${port}: stop it, or set PORT`);
    expect(second.out()).not.toContain('Syncing');
    expect(readdirSync(dataDir).sort()).toEqual(before);
    const res = await fetch(`http://127.0.0.1:${port}/v1/sources`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);

    // A second demo on another port, same data directory: the lock refuses it, naming the first.
    const other = runCli(
      DEMO_BUNDLE,
      ['start', '--data-dir', dataDir],
      { PORT: String(await freePort()) },
      tempDir(),
    );
    expect(await other.exit).toBe(75);
    expect(other.err()).toMatch(
      new RegExp(
        `is in use by another bridge \\(pid \\d+ on .*, demo, serving on http://127\\.0\\.0\\.1:${port},`,
      ),
    );
    expect(other.out()).not.toContain('Starting two simulated');
    expect(readdirSync(dataDir).sort()).toEqual(before);
    expect(
      (
        await fetch(`http://127.0.0.1:${port}/v1/invoices?limit=1`, {
          headers: { Authorization: `Bearer ${TOKEN}` },
        })
      ).status,
    ).toBe(200);

    term.press('C-c');
    expect(await term.exited()).toEqual({ status: 0, cursorVisible: true, wraps: true });
    expect(term.screen()).toContain('stopped.');
    expect(sqliteSidecars(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'bridge.lock'))).toBe(false);
  }, 180_000);
});

describe('the demo given a real data directory', () => {
  it('refuses it (exit 2), starts nothing and deletes nothing', async () => {
    const dataDir = join(tempDir(), 'production');
    mkdirSync(join(dataDir, 'attachments'), { recursive: true });
    writeFileSync(join(dataDir, 'bridge.sqlite'), 'a real store');
    const run = runCli(DEMO_BUNDLE, ['start', '--data-dir', dataDir], { PORT: '0' }, tempDir());
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain('holds files the demo did not make (attachments, bridge.sqlite)');
    expect(run.out()).not.toContain('Starting two simulated');
    expect(readdirSync(dataDir).sort()).toEqual(['attachments', 'bridge.sqlite']);
    expect(readFileSync(join(dataDir, 'bridge.sqlite'), 'utf8')).toBe('a real store');
  }, 60_000);
});

describe('`pnpm start` under a supervisor', () => {
  it('SIGTERM to the pnpm process stops the bridge: nothing is left serving or running', async () => {
    const dataDir = join(tempDir(), 'demo');
    // Its own process group, as a supervisor starts it; the signal goes to pnpm's pid alone.
    const child = spawn('pnpm', ['start', '--data-dir', dataDir], {
      cwd: REPO,
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', BRIDGE_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const group = child.pid!;
    try {
      const deadline = Date.now() + 120_000;
      while (!/Stop: Ctrl\+C/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no demo:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      process.kill(child.pid!, 'SIGTERM');
      const alive = () => {
        try {
          process.kill(-group, 0);
          return true;
        } catch {
          return false;
        }
      };
      const until = Date.now() + 30_000;
      while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(alive(), output).toBe(false);
      expect(output).toContain('SIGTERM: stopping the demo');
      expect(output).toContain('stopped.');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone: the point of the test.
      }
    }
  }, 180_000);
});
