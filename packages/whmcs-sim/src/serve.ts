import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createSimulatorRuntime } from './simulator.ts';
import type { SimulatorOptions, WhmcsSimulator } from './types.ts';

export interface ServeOptions extends SimulatorOptions {
  /** Interface to listen on (default '127.0.0.1'). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
}

export interface ServedSimulator {
  /** The WHMCS root, e.g. `http://127.0.0.1:41234/` or `http://127.0.0.1:41234/billing/`. */
  url: string;
  sim: WhmcsSimulator;
  /** Stops listening and drops open connections (hung requests included). */
  close(): Promise<void>;
}

/**
 * Serves a simulator over real HTTP; the caller IP is the socket's remote address.
 * @example
 * const { url, close } = await serveWhmcsSimulator({ invoices: 10_000 });
 * // POST `${url}includes/api.php`
 * await close();
 */
export async function serveWhmcsSimulator(options: ServeOptions = {}): Promise<ServedSimulator> {
  const { host = '127.0.0.1', port = 0, ...simOptions } = options;
  const { sim, app } = createSimulatorRuntime(simOptions);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostText =
    address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${hostText}:${address.port}${sim.options.pathPrefix}/`;
  return {
    url,
    sim,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
