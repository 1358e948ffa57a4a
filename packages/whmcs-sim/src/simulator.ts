import { BanList } from '@forecaster/whmcs-client/wire';
import type { Hono } from 'hono';
import type { ActionContext } from './api-actions.ts';
import { wireFor } from './api-actions.ts';
import type { SimBindings } from './app.ts';
import { createApp } from './app.ts';
import { FaultRegistry } from './fault-registry.ts';
import { invoiceItems } from './invoice-details.ts';
import { InvoiceIndex } from './invoice-query.ts';
import { InvoiceStore } from './invoice-store.ts';
import { formatDateTime, formatDay, toLocalDay, toLocalSeconds } from './local-time.ts';
import { resolveOptions } from './options.ts';
import { generateClients, generateInvoices } from './seed-data.ts';
import type {
  RequestLogEntry,
  SimCredential,
  SimInvoice,
  SimulatorOptions,
  WhmcsSimulator,
} from './types.ts';
import { worldRefresher, worldSimulatorOptions } from './world/world-simulator.ts';

export interface SimulatorRuntime {
  sim: WhmcsSimulator;
  app: Hono<{ Bindings: SimBindings }>;
}

function resetError(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), {
    code: 'ECONNRESET',
    errno: -104,
    syscall: 'read',
  });
  return new TypeError('fetch failed', { cause });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Builds the simulator and the Hono app behind it; `serve` mounts the app on a real socket. */
export function createSimulatorRuntime(input: SimulatorOptions = {}): SimulatorRuntime {
  const { world } = input;
  const options = resolveOptions(world ? worldSimulatorOptions(world, input) : input);
  const { timeZone } = options;
  const today = () => toLocalDay(options.now(), timeZone);
  const stamp = (at?: Date) => formatDateTime(toLocalSeconds(at ?? options.now(), timeZone));

  const clients = world
    ? new Map(world.clients)
    : generateClients(options.clients, options.currencies, options.seed);
  const store = new InvoiceStore(options.invoices);
  // A world is served as of the clock; seed data is generated once.
  const refresh = world ? worldRefresher(world, store, options) : () => {};
  if (!world) {
    generateInvoices(store, {
      seed: options.seed,
      invoices: options.invoices,
      orphans: options.orphans,
      clients,
      clientCount: options.clients,
      today: today(),
    });
  }
  const index = new InvoiceIndex(store, clients);
  const wire = world ? world.toWire : wireFor(clients, options.currencies, options);
  const bans = new BanList({
    threshold: options.ban.threshold,
    windowMs: options.ban.windowMinutes * 60_000,
    durationMs: options.ban.banMinutes * 60_000,
  });
  const faults = new FaultRegistry();
  const log: RequestLogEntry[] = [];
  const actions: ActionContext = {
    options,
    store,
    index,
    clients,
    currencies: options.currencies,
    today,
    wire,
    refresh,
  };
  const app = createApp({
    options,
    bans,
    faults,
    log,
    actions,
  });

  const existing = (id: number): SimInvoice => {
    refresh();
    const invoice = store.get(id);
    if (!invoice) throw new RangeError(`Invoice ${id} not found`);
    return invoice;
  };
  const change = (id: number, patch: Partial<Omit<SimInvoice, 'id'>>): SimInvoice => {
    existing(id);
    store.patch(id, { updated_at: stamp(), ...patch });
    return existing(id);
  };

  const sim: WhmcsSimulator = {
    async fetch(request, ctx) {
      const outcome: { reset?: boolean } = {};
      const { signal } = request;
      if (signal.aborted) throw abortError(signal);
      const answered = Promise.resolve(app.fetch(request, { clientIp: ctx?.clientIp, outcome }));
      // Like fetch(): an abort rejects at once, whatever the server is still doing.
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const response = await Promise.race([answered, aborted]);
        if (outcome.reset) throw resetError();
        return response;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    options,
    clients,
    currencies: options.currencies,
    invoice: (id) => {
      refresh();
      return store.get(id);
    },
    *invoices() {
      refresh();
      for (let id = 1; id <= store.maxId; id++) {
        const invoice = store.get(id);
        if (invoice) yield invoice;
      }
    },
    *visibleInvoices() {
      refresh();
      for (let id = 1; id <= store.maxId; id++) {
        if (store.exists[id] === 1 && clients.has(store.userid[id]!)) yield store.get(id)!;
      }
    },
    toWire: (invoice) => wire(invoice),
    items: (id) => invoiceItems(options.seed, existing(id)),
    addInvoice(init = {}) {
      const id = store.allocate();
      const day = today();
      const now = stamp();
      const firstClient = clients.keys().next().value ?? 1;
      store.patch(id, {
        userid: firstClient,
        invoicenum: '',
        date: formatDay(day),
        duedate: formatDay(day + 7),
        subtotal: '10.00',
        taxrate: '0.000',
        taxrate2: '0.000',
        status: 'Unpaid',
        paymentmethod: clients.get(init.userid ?? firstClient)?.defaultgateway ?? 'banktransfer',
        paymethodid: null,
        notes: '',
        created_at: now,
        updated_at: now,
        ...init,
      });
      return existing(id);
    },
    payInvoice(id, at) {
      existing(id);
      store.assignInvoicenum(id);
      return change(id, { status: 'Paid', datepaid: stamp(at) });
    },
    refundInvoice: (id, at) => change(id, { status: 'Refunded', date_refunded: stamp(at) }),
    cancelInvoice: (id, at) => change(id, { status: 'Cancelled', date_cancelled: stamp(at) }),
    updateInvoice: (id, patch) => change(id, patch),
    deleteInvoice: (id) => store.delete(id),
    deleteClient(id) {
      if (!clients.delete(id)) throw new RangeError(`Client ${id} not found`);
      store.generation++;
    },
    addCredential(credential: SimCredential) {
      options.credentials = [
        ...options.credentials.filter((c) => c.identifier !== credential.identifier),
        { ...credential, actions: [...credential.actions] },
      ];
    },
    removeCredential(identifier) {
      options.credentials = options.credentials.filter((c) => c.identifier !== identifier);
    },
    setAccessKey(key) {
      options.accessKey = key;
    },
    setAllowlist(ips) {
      options.allowlist = [...ips];
    },
    unban: (ip) => bans.unban(ip),
    banned: () => bans.banned(options.now().getTime()),
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    requests: log,
    clearRequests() {
      log.length = 0;
    },
  };
  return { sim, app };
}

/**
 * Creates an in-process WHMCS simulator with seeded data.
 * @example
 * const sim = createWhmcsSimulator({ invoices: 1000, seed: 7 });
 * const res = await sim.fetch(new Request('http://whmcs.test/includes/api.php', {
 *   method: 'POST',
 *   body: new URLSearchParams({ identifier: 'sim-identifier', secret: 'sim-secret', action: 'GetInvoices', responsetype: 'json' }),
 * }));
 */
export function createWhmcsSimulator(options: SimulatorOptions = {}): WhmcsSimulator {
  return createSimulatorRuntime(options).sim;
}
