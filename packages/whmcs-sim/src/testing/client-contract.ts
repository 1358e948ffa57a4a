import { createWhmcsClient, type WhmcsClientOptions, type WhmcsError } from '@forecaster/whmcs-client';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ServedSimulator, serveWhmcsSimulator } from '../serve.ts';
import { createWhmcsSimulator } from '../simulator.ts';
import type { SimulatorOptions, WhmcsSimulator } from '../types.ts';

export const SIM_SECRET = 'Sim-Secret-Okapi-4417';
export const SIM_KEY = 'Sim-Key-Pangolin-3309';

/** A simulator reachable by URL: in-process behind msw, or served on loopback. */
export interface SimEnv {
  sim: WhmcsSimulator;
  url: string;
  close(): Promise<void>;
}
export type MakeSimEnv = (options: SimulatorOptions) => Promise<SimEnv>;

/** In-process: msw hands every request for the fake host to the simulator's fetch. */
export function mswSimEnv(): MakeSimEnv {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  let n = 0;
  return async (options) => {
    const sim = createWhmcsSimulator(options);
    const host = `https://whmcs-${++n}.test`;
    server.use(
      http.all(`${host}/*`, async ({ request }) => {
        try {
          return await sim.fetch(request, { clientIp: options.clientIp ?? '127.0.0.1' });
        } catch {
          return HttpResponse.error();
        }
      }),
    );
    return { sim, url: `${host}${sim.options.pathPrefix}/`, close: async () => {} };
  };
}

/** Real loopback HTTP: the simulator sees the socket's address. */
export function loopbackSimEnv(): MakeSimEnv {
  const open: ServedSimulator[] = [];
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
  });
  return async (options) => {
    const served = await serveWhmcsSimulator(options);
    open.push(served);
    return { sim: served.sim, url: served.url, close: served.close };
  };
}

const GET_INVOICES_ONLY = [
  { identifier: 'forecaster', secret: SIM_SECRET, admin: 'admin', actions: ['GetInvoices'] },
];

async function failure(promise: Promise<unknown>): Promise<WhmcsError & { ip?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as WhmcsError & { ip?: string };
  }
  throw new Error('expected a failure');
}

/**
 * The client against the simulator: every error code, pagination exactness while invoices
 * are added and deleted, and redaction. Run once per transport.
 */
export function clientAgainstSimulator(label: string, make: MakeSimEnv): void {
  // The client's own budget (its vitest config), kept when the suite moved here: whole walks over loopback.
  describe(`client against the simulator (${label})`, { timeout: 20_000 }, () => {
    const client = (env: SimEnv, extra: Partial<WhmcsClientOptions> = {}) =>
      createWhmcsClient({
        url: env.url,
        credentials: { identifier: 'forecaster', secret: SIM_SECRET },
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        timeoutMs: 2000,
        ...extra,
      });

    it('reads every invoice GetInvoices can return, exactly, in a subdirectory install', async () => {
      const env = await make({
        seed: 7,
        invoices: 730,
        clients: 40,
        orphans: 12,
        pathPrefix: '/billing',
        credentials: GET_INVOICES_ONLY,
      });
      const ids: number[] = [];
      for await (const invoice of client(env).invoices({ pageSize: 100, concurrency: 3 }))
        ids.push(Number(invoice.id));
      const expected = [...env.sim.visibleInvoices()].map((i) => i.id);
      expect(ids).toEqual(expected);
      expect(ids.length).toBe(730 - 12); // orphans are counted by totalresults, never returned
      expect(env.sim.requests.every((r) => r.action === 'getinvoices')).toBe(true);
    });

    it('the wire rows equal what the simulator sends, field by field', async () => {
      const env = await make({ seed: 3, invoices: 60, credentials: GET_INVOICES_ONLY });
      const rows = [];
      for await (const row of client(env).invoices({ pageSize: 25 })) rows.push(row);
      expect(rows).toEqual([...env.sim.visibleInvoices()].map((i) => env.sim.toWire(i)));
    });

    it('no duplicates and no misses while invoices are added and deleted between pages', async () => {
      const env = await make({ seed: 11, invoices: 400, clients: 20, credentials: GET_INVOICES_ONLY });
      const before = new Set([...env.sim.visibleInvoices()].map((i) => i.id));
      const deleted = new Set<number>();
      const added: number[] = [];
      const seen: number[] = [];
      let page = 0;
      for await (const p of client(env).invoicePages({ pageSize: 30, concurrency: 2 })) {
        seen.push(...p.rows.map((r) => Number(r.id)));
        page++;
        // Delete two invoices behind the walk and one ahead of it, add one.
        const ids = [...env.sim.visibleInvoices()].map((i) => i.id);
        for (const id of [ids[page], ids[page * 7], ids[ids.length - page * 3]]) {
          if (id !== undefined && !deleted.has(id)) {
            env.sim.deleteInvoice(id);
            deleted.add(id);
          }
        }
        added.push(env.sim.addInvoice().id);
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of before) if (!deleted.has(id)) expect(seen).toContain(id);
      // Invoices added before the walk asked for its last page are seen too. With two pages in
      // flight, that page was asked for before the last three adds (two pages back, and the one
      // after the last page), and the walk ends on it because it is short.
      for (const id of added.slice(0, -3)) expect(seen).toContain(id);
    });

    it('filters by status, Overdue and user id', async () => {
      const env = await make({ seed: 5, invoices: 300, clients: 10, credentials: GET_INVOICES_ONLY });
      const all = [...env.sim.visibleInvoices()];
      const collect = async (opts: Parameters<ReturnType<typeof client>['invoices']>[0]) => {
        const out: number[] = [];
        for await (const row of client(env).invoices(opts)) out.push(Number(row.id));
        return out;
      };
      expect(await collect({ status: 'Paid', pageSize: 50 })).toEqual(
        all.filter((i) => i.status === 'Paid').map((i) => i.id),
      );
      const userId = all[0]!.userid;
      expect(await collect({ userId, pageSize: 7 })).toEqual(
        all.filter((i) => i.userid === userId).map((i) => i.id),
      );
      const overdue = await collect({ status: 'Overdue' });
      expect(overdue.length).toBeGreaterThan(0);
      for (const id of overdue) expect(env.sim.invoice(id)?.status).toBe('Unpaid');
    });

    describe('every error code', () => {
      it('ip_not_allowed, with the address WHMCS saw', async () => {
        const env = await make({ allowlist: ['203.0.113.7'], credentials: GET_INVOICES_ONLY });
        const err = await failure(client(env).getInvoices());
        expect(err.code).toBe('ip_not_allowed');
        expect(err.ip).toBe('127.0.0.1');
        expect(env.sim.requests).toHaveLength(1);
      });

      it('invalid_access_key, and a right key skipping the allowlist', async () => {
        const env = await make({ allowlist: [], accessKey: SIM_KEY, credentials: GET_INVOICES_ONLY });
        expect((await failure(client(env, { accessKey: 'wrong-key-123' }).getInvoices())).code).toBe(
          'invalid_access_key',
        );
        await expect(client(env, { accessKey: SIM_KEY }).getInvoices()).resolves.toMatchObject({
          startNumber: 0,
        });
      });

      it('invalid_credentials, auth_failed, then ip_banned, each after a single call', async () => {
        const env = await make({ credentials: GET_INVOICES_ONLY });
        const unknown = await failure(
          client(env, { credentials: { identifier: 'nobody', secret: SIM_SECRET } }).getInvoices(),
        );
        expect(unknown.code).toBe('invalid_credentials');
        const wrong = await failure(
          client(env, { credentials: { identifier: 'forecaster', secret: `${SIM_SECRET} ` } }).getInvoices(),
        );
        expect(wrong.code).toBe('auth_failed');
        const legacy = await failure(
          client(env, { credentials: { username: 'admin', password: 'not-it' } }).getInvoices(),
        );
        expect(legacy.code).toBe('auth_failed');
        expect(env.sim.requests).toHaveLength(3); // none retried
        const banned = await failure(client(env).getInvoices());
        expect(banned.code).toBe('ip_banned');
        expect(env.sim.requests).toHaveLength(4);
      });

      it('permission_denied for an action the role lacks, invalid_action for one that does not exist', async () => {
        const env = await make({ credentials: GET_INVOICES_ONLY });
        const denied = await failure(client(env).call('GetInvoice', { invoiceid: 1 }, z.unknown()));
        expect(denied.code).toBe('permission_denied');
        expect(denied.action).toBe('getinvoice');
        const env2 = await make({ credentials: [{ ...GET_INVOICES_ONLY[0]!, actions: ['*'] }] });
        expect((await failure(client(env2).call('NoSuchAction', {}, z.unknown()))).code).toBe(
          'invalid_action',
        );
        const notFound = await failure(client(env2).call('GetInvoice', { invoiceid: 999_999 }, z.unknown()));
        expect(notFound.code).toBe('api_error');
      });

      it('a legacy login with the MD5 of the password works', async () => {
        const env = await make({ admins: [{ username: 'billing', password: 'Legacy-Pass-1' }] });
        const page = await client(env, {
          credentials: { username: 'billing', password: 'Legacy-Pass-1' },
        }).getInvoices({ limitNum: 3 });
        expect(page.invoices).toHaveLength(3);
      });

      const faults = [
        ['html502', 'http_error', 4],
        ['html504', 'http_error', 4],
        ['html500', 'http_error', 1],
        ['waf403', 'http_error', 1],
        ['truncated', 'invalid_response', 1],
        ['invalid-utf8', 'invalid_response', 1],
        ['reset', 'network', 4],
        ['hang', 'timeout', 2],
      ] as const;
      for (const [kind, code, calls] of faults) {
        it(`${kind} → ${code} after ${calls} call(s)`, async () => {
          const env = await make({ credentials: GET_INVOICES_ONLY });
          env.sim.faults.add({ kind });
          const c = client(
            env,
            kind === 'hang' ? { timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 1 } } : {},
          );
          const err = await failure(c.getInvoices());
          expect(err.code).toBe(code);
          expect(env.sim.requests).toHaveLength(calls);
          for (const form of [err.message, String(err), JSON.stringify(err), String(err.cause)])
            expect(form).not.toContain(SIM_SECRET);
        });
      }

      it('a transient fault clears and the retry succeeds', async () => {
        const env = await make({ credentials: GET_INVOICES_ONLY });
        env.sim.faults.add({ kind: 'html502', times: 2 });
        await expect(client(env).getInvoices({ limitNum: 5 })).resolves.toMatchObject({ startNumber: 0 });
        expect(env.sim.requests).toHaveLength(3);
      });
    });

    it('the simulator never sees the secret in its log, and the client sends only what it must', async () => {
      const env = await make({ credentials: GET_INVOICES_ONLY });
      await client(env).getInvoices({ limitNum: 1 });
      const [entry] = env.sim.requests;
      expect(entry?.params).toMatchObject({
        action: 'GetInvoices',
        responsetype: 'json',
        identifier: 'forecaster',
        secret: '***',
      });
    });
  });
}
