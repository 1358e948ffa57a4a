import type { WhmcsSimulator } from '../types.ts';

/** The default credential's pair. */
export const AUTH = { identifier: 'sim-identifier', secret: 'sim-secret' } as const;

export interface CallResult {
  status: number;
  contentType: string | null;
  text: string;
  json(): Record<string, unknown>;
}

/** POSTs form parameters to the simulator in-process and reads the whole answer. */
export async function call(
  sim: WhmcsSimulator,
  params: Record<string, string>,
  init: { clientIp?: string; method?: 'GET' | 'POST'; path?: string } = {},
): Promise<CallResult> {
  const method = init.method ?? 'POST';
  const path = init.path ?? `${sim.options.pathPrefix}/includes/api.php`;
  const query = method === 'GET' ? `?${new URLSearchParams(params)}` : '';
  const request = new Request(`http://whmcs.test${path}${query}`, {
    method,
    body: method === 'POST' ? new URLSearchParams(params) : undefined,
  });
  const response = await sim.fetch(request, init.clientIp ? { clientIp: init.clientIp } : undefined);
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
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
