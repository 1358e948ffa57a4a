import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULE_NAME } from '../module/operations.ts';
import { adminChrome, blendLookCss, bootstrapCss } from './admin-chrome.ts';

/*
 * A stand-in for WHMCS around the real, built addon, served by `php -S` on loopback: an admin
 * page (admin/addonmodules.php) that calls commitment_forecaster_output($vars) the way WHMCS
 * does, with WHMCS's input encoding, a file session, CSRF tokens, Capsule over test state, and a
 * log of what the module reports to WHMCS. PHP errors are displayed, so a warning or a deprecation
 * shows up in the answer a test reads.
 */

const HARNESS_FILES = fileURLToPath(new URL('./whmcs/', import.meta.url));

export interface ModuleSettings {
  bridgeUrl: string;
  bridgeToken: string;
  timeout?: string;
  writeRoles?: string;
  fiscalYearStart?: string;
}

export interface HarnessState {
  settings: ModuleSettings;
  /** The logged-in admin's id; their role comes from `admins`. */
  adminId: number;
  admins: Array<{ id: number; roleid: number }>;
  roles: Array<{ id: number; name: string }>;
}

export interface HarnessLogEntry {
  kind: 'moduleCall' | 'activity' | 'localAPI';
  [key: string]: unknown;
}

export interface WhmcsHarness {
  /** The harness's root URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The module's page: `admin/addonmodules.php?module=commitment_forecaster`. */
  pageUrl: string;
  root: string;
  /** Replaces part of the state (settings are merged) for the next requests. */
  setState(patch: Partial<Omit<HarnessState, 'settings'>> & { settings?: Partial<ModuleSettings> }): void;
  state(): HarnessState;
  /** What the module wrote to WHMCS's logs and APIs so far. */
  log(): HarnessLogEntry[];
  /** Everything PHP's server printed (errors included). */
  serverOutput(): string;
  /** The process group of `php -S` and its workers. */
  pid: number;
  close(): Promise<void>;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `php` can run here; the reason when not. */
export function phpAvailable(php = process.env.PHP_BINARY ?? 'php'): string | undefined {
  const result = spawnSync(php, ['-r', "echo function_exists('curl_init') ? 'curl' : 'no curl';"], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    return `php-cli is not installed (\`apt-get install -y php-cli php-curl\`, or set PHP_BINARY): ${result.error?.message ?? result.stderr}`;
  }
  if (result.stdout !== 'curl') return 'PHP has no curl extension: `apt-get install -y php-curl`';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the harness in front of a bridge.
 *
 * @example
 * const whmcs = await startWhmcsHarness({ moduleDir: await ensureModuleBuilt(), settings: { bridgeUrl, bridgeToken } });
 * const res = await fetch(`${whmcs.pageUrl}&action=api&op=sources`, { headers: { cookie } });
 */
export async function startWhmcsHarness(options: {
  moduleDir: string;
  settings: ModuleSettings;
  adminRole?: string;
  php?: string;
  /** php.ini settings for `php -S` (upload_max_filesize, post_max_size, ...). */
  ini?: Record<string, string>;
}): Promise<WhmcsHarness> {
  const php = options.php ?? process.env.PHP_BINARY ?? 'php';
  const missing = phpAvailable(php);
  if (missing) throw new Error(missing);
  const root = mkdtempSync(join(tmpdir(), 'whmcs-harness-'));
  cpSync(HARNESS_FILES, root, { recursive: true });
  mkdirSync(join(root, 'modules', 'addons'), { recursive: true });
  mkdirSync(join(root, 'harness', 'sessions'));
  symlinkSync(options.moduleDir, join(root, 'modules', 'addons', MODULE_NAME), 'dir');
  writeFileSync(join(root, 'harness', 'bootstrap.css'), bootstrapCss());
  writeFileSync(join(root, 'harness', 'blend.css'), blendLookCss());
  const [head, foot] = adminChrome({
    bootstrapHref: '../harness/bootstrap.css',
    blendHref: '../harness/blend.css',
  });
  writeFileSync(join(root, 'harness', 'chrome-head.html'), head);
  writeFileSync(join(root, 'harness', 'chrome-foot.html'), foot);
  writeFileSync(join(root, 'harness', 'log.jsonl'), '');

  let state: HarnessState = {
    settings: { timeout: '5', writeRoles: 'Full Administrator', fiscalYearStart: '1', ...options.settings },
    adminId: 1,
    admins: [
      { id: 1, roleid: 1 },
      { id: 2, roleid: 2 },
    ],
    roles: [
      { id: 1, name: 'Full Administrator' },
      { id: 2, name: 'Sales Operator' },
    ],
  };
  const writeState = () => {
    const file = {
      adminId: state.adminId,
      tbladmins: state.admins,
      tbladminroles: state.roles,
      // As WHMCS stores them: some prefixes as HTML entities.
      tblcurrencies: [
        { id: 1, code: 'USD', prefix: '$', suffix: ' USD' },
        { id: 2, code: 'EUR', prefix: '&euro;', suffix: ' EUR' },
        { id: 3, code: 'GBP', prefix: '&pound;', suffix: ' GBP' },
        { id: 4, code: 'CHF', prefix: '', suffix: ' CHF' },
        { id: 5, code: 'CAD', prefix: '$', suffix: ' CAD' },
      ],
      tbladdonmodules: Object.entries(state.settings).map(([setting, value]) => ({
        module: MODULE_NAME,
        setting,
        value: value ?? '',
      })),
    };
    writeFileSync(join(root, 'harness', 'state.json'), JSON.stringify(file));
  };
  writeState();

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    php,
    [
      '-d',
      'display_errors=1',
      '-d',
      'error_reporting=-1',
      '-d',
      'log_errors=0',
      ...Object.entries(options.ini ?? {}).flatMap(([key, value]) => ['-d', `${key}=${value}`]),
      '-S',
      `127.0.0.1:${port}`,
      '-t',
      root,
    ],
    // Its own process group: with workers, PHP's server forks children that outlive a SIGTERM to
    // the parent alone, so close() stops the whole group.
    {
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`php -S exited: ${output}`);
    try {
      await fetch(`${url}/harness/blend.css`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`php -S did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    url,
    pageUrl: `${url}/admin/addonmodules.php?module=${MODULE_NAME}`,
    root,
    setState(patch) {
      state = { ...state, ...patch, settings: { ...state.settings, ...patch.settings } };
      writeState();
    },
    state: () => structuredClone(state),
    log() {
      const file = join(root, 'harness', 'log.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as HarnessLogEntry);
    },
    serverOutput: () => output,
    pid: child.pid ?? 0,
    async close() {
      if (child.pid) {
        const exited =
          child.exitCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
        signalGroup(child.pid, 'SIGTERM');
        await exited;
        // The workers do not always follow their parent: wait for the group, then insist.
        for (let i = 0; i < 30 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
        signalGroup(child.pid, 'SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
