import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { afterEach } from 'vitest';
import type { Bridge } from '../src/bridge.ts';
import { type FacadeConfigInput, sha256 } from '../src/config.ts';

/*
 * Helpers for the WHMCS facade's tests: the bridge's app on a real loopback socket (without the
 * scheduler, so that syncs run only when a test says), and facade credentials.
 */

const servers: Server[] = [];
afterEach(async () => {
  while (servers.length) {
    const server = servers.pop()!;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
});

/** Serves the bridge's HTTP app on 127.0.0.1; resolves with its base URL. */
export async function serveBridge(bridge: Bridge): Promise<string> {
  const server = createAdaptorServer({ fetch: bridge.app.fetch, hostname: '127.0.0.1' }) as Server;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const FACADE_ID = 'forecaster-module';
export const FACADE_SECRET = 'Facade-Secret-Okapi-5531-abcdef';

/** A facade section with one credential (kept as its hash, as an admin would write it). */
export function facadeWith(extra: Partial<FacadeConfigInput> = {}): FacadeConfigInput {
  return {
    credentials: [{ identifier: FACADE_ID, secretSha256: sha256(FACADE_SECRET).toString('hex') }],
    ...extra,
  };
}

export function facadeUrl(base: string, sourceId: string): string {
  return `${base}/whmcs/${sourceId}/includes/api.php`;
}

/** A clock tests move by hand. */
export function manualClock(start: string): { now: () => Date; advance(minutes: number): void } {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance(minutes) {
      ms += minutes * 60_000;
    },
  };
}

export interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  headers: Headers;
}

/** POSTs form fields (a PHP module's call) and reads the whole answer. */
export async function post(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: await res.text(),
    headers: res.headers,
  };
}
