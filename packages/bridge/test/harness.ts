import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeInvoice } from '@forecaster/whmcs-client';
import { type ServedSimulator, type ServeOptions, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { afterEach, expect } from 'vitest';
import { type Bridge, type BridgeOptions, createBridge } from '../src/bridge.ts';
import { type BridgeConfigFile, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { Store } from '../src/store/types.ts';

export const TOKEN = 'test-token-Axolotl-6612-long-enough-0001';
export const GET_INVOICES_ONLY = (secret: string) => [
  { identifier: 'forecaster', secret, admin: 'forecaster', actions: ['GetInvoices'] },
];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface SimSource {
  id: string;
  secret: string;
  timeZone: string;
  served: ServedSimulator;
}

/** A simulated WHMCS on loopback with a GetInvoices-only credential. */
export async function simSource(
  id: string,
  options: ServeOptions & { timeZone?: string } = {},
): Promise<SimSource> {
  const secret = `secret-${id}-Quetzal-${Math.random().toString(36).slice(2, 8)}`;
  const timeZone = options.timeZone ?? 'UTC';
  const served = await serveWhmcsSimulator({
    credentials: GET_INVOICES_ONLY(secret),
    allowlist: ['127.0.0.1'],
    ...options,
    timeZone,
  });
  cleanups.push(() => served.close());
  return { id, secret, timeZone, served };
}

/** The bridge's configuration file for these simulated sources (secrets from the environment). */
export function configFor(sources: SimSource[], extra: Partial<BridgeConfigFile> = {}, dataDir = tempDir()) {
  const env: NodeJS.ProcessEnv = { BRIDGE_TOKEN: TOKEN };
  const file: BridgeConfigFile = {
    dataDir,
    listen: { host: '127.0.0.1', port: 0 },
    sources: sources.map((s) => {
      env[`SECRET_${s.id.toUpperCase()}`] = s.secret;
      return {
        id: s.id,
        url: s.served.url,
        credentials: { identifier: 'forecaster', secret: { env: `SECRET_${s.id.toUpperCase()}` } },
        timeZone: s.timeZone,
        pageSize: 100,
        concurrency: 2,
      };
    }),
    ...extra,
  };
  return { file, env, dataDir };
}

export async function bridgeFor(
  sources: SimSource[],
  options: BridgeOptions & { extra?: Partial<BridgeConfigFile> } = {},
): Promise<Bridge> {
  const { file, env } = configFor(sources, options.extra);
  const config = loadConfig({ fallback: file, env });
  const bridge = await createBridge(config, { logger: createLogger({ level: 'silent' }), ...options });
  cleanups.push(() => bridge.close());
  return bridge;
}

/** Asserts the store holds exactly what GetInvoices can return from the simulator, field by field. */
export async function expectStoreEqualsSim(store: Store, source: SimSource): Promise<void> {
  const sim = source.served.sim;
  const expected = [...sim.visibleInvoices()];
  const live = [];
  let after: { source: string; id: number } | undefined;
  for (;;) {
    const page = await store.listInvoices({ sources: [source.id] }, after, 1000);
    if (page.length === 0) break;
    live.push(...page);
    const last = page.at(-1)!;
    after = { source: last.invoice.source, id: last.invoice.id };
  }
  expect(live.map((s) => s.invoice.id)).toEqual(expected.map((i) => i.id));
  for (const [i, stored] of live.entries()) {
    const wire = sim.toWire(expected[i]!);
    expect(stored.raw).toEqual(wire);
    expect(stored.invoice).toEqual(
      normalizeInvoice(wire as never, { source: source.id, timeZone: source.timeZone }),
    );
  }
}
