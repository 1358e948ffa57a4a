import { assertTimeZone } from './local-time.ts';
import { sleep } from './request-input.ts';
import type { ResolvedSimulatorOptions, SimAdmin, SimCredential, SimulatorOptions } from './types.ts';

/** The credential a simulator accepts when none are configured: every action allowed. */
export const DEFAULT_CREDENTIAL: Readonly<SimCredential> = Object.freeze({
  identifier: 'sim-identifier',
  secret: 'sim-secret',
  admin: 'admin',
  actions: ['*'],
});

/** The admin user a simulator has when none are configured (legacy login: md5 of the password). */
export const DEFAULT_ADMIN: Readonly<SimAdmin> = Object.freeze({
  username: 'admin',
  password: 'admin-password',
});

const DEFAULT_CURRENCIES = [
  { code: 'USD', prefix: '$', suffix: ' USD' },
  { code: 'EUR', prefix: '€', suffix: ' EUR' },
  { code: 'GBP', prefix: '£', suffix: ' GBP' },
];

function count(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 0) throw new RangeError(`${name} must be a whole number >= 0`);
  return result;
}

function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}

/** Fills in every default and validates the options once. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const invoices = count('invoices', options.invoices, 500);
  const clients = count('clients', options.clients, 50);
  const orphans = count('orphans', options.orphans, 0);
  if (orphans > invoices) throw new RangeError('orphans cannot exceed invoices');
  if (clients === 0 && invoices > orphans) throw new RangeError('invoices need at least one client');
  const version = options.version ?? 8;
  if (version !== 5 && version !== 7 && version !== 8) throw new RangeError('version must be 5, 7 or 8');
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const currencies = (options.currencies ?? DEFAULT_CURRENCIES).map((c, i) => ({ id: i + 1, ...c }));
  if (currencies.length === 0) throw new RangeError('at least one currency is needed');
  return {
    seed: options.seed ?? 1,
    clients,
    invoices,
    currencies,
    orphans,
    version,
    timeZone,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? sleep,
    credentials: (options.credentials ?? [DEFAULT_CREDENTIAL]).map((c) => ({
      ...c,
      actions: [...c.actions],
    })),
    admins: (options.admins ?? [DEFAULT_ADMIN]).map((a) => ({ ...a })),
    accessKey: options.accessKey,
    allowlist: [...(options.allowlist ?? ['127.0.0.1', '::1'])],
    clientIp: options.clientIp ?? '127.0.0.1',
    ban: {
      threshold: options.ban?.threshold ?? 3,
      windowMinutes: options.ban?.windowMinutes ?? 30,
      banMinutes: options.ban?.banMinutes ?? 15,
    },
    latency: {
      perCallMs: options.latency?.perCallMs ?? 0,
      perRowMs: options.latency?.perRowMs ?? 0,
      perSkippedRowMs: options.latency?.perSkippedRowMs ?? 0,
    },
    pathPrefix: normalizePrefix(options.pathPrefix),
  };
}
