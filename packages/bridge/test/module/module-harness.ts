import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ensureModuleBuilt } from '@forecaster/module-assets/build';
import { startWhmcsHarness, type WhmcsHarness } from '@forecaster/module-assets/testing';
import { type Demo, startDemo } from '../../src/cli/demo.ts';

/*
 * The real module, built, behind the WHMCS stand-in under `php -S`, in front of the real bridge
 * with the demo's data (two simulated WHMCS installs, smaller than `pnpm start`'s).
 */

export const MODULE_TOKEN = 'module-test-token-Pangolin-4471-Quokka-8812';

export interface ModuleWorld {
  demo: Demo;
  whmcs: WhmcsHarness;
  close(): Promise<void>;
}

export async function startModuleWorld(
  options: {
    invoices?: [number, number];
    beforeSync?: (demo: Demo) => void;
    /** php.ini settings for the WHMCS stand-in (upload limits). */
    ini?: Record<string, string>;
  } = {},
): Promise<ModuleWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'module-world-'));
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const [moduleDir, demo] = await Promise.all([
    ensureModuleBuilt(),
    startDemo({
      port: 0,
      token: MODULE_TOKEN,
      dataDir,
      invoices: options.invoices ?? [600, 400],
      out: quiet,
    }),
  ]);
  const whmcs = await startWhmcsHarness({
    moduleDir,
    settings: { bridgeUrl: demo.url, bridgeToken: MODULE_TOKEN },
    ...(options.ini ? { ini: options.ini } : {}),
  });
  return {
    demo,
    whmcs,
    async close() {
      await whmcs.close();
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An admin's browser session with the harness: its cookie and the page's CSRF token. */
export interface AdminSession {
  cookie: string;
  csrf: string;
  page: string;
}

export async function openSession(whmcs: WhmcsHarness): Promise<AdminSession> {
  const res = await fetch(whmcs.pageUrl);
  const page = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /data-csrf="([0-9a-f]{40})"/.exec(page)?.[1] ?? '';
  return { cookie, csrf, page };
}
