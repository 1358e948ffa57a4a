const REDACTED_KEYS = new Set(['secret', 'password', 'accesskey']);

/**
 * The parameters PHP would see in $_REQUEST: the query string, then a form-encoded or multipart
 * body on top. Any other body (JSON above all) is not read, exactly as WHMCS ignores it.
 */
export async function readParams(request: Request): Promise<Record<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(request.url).searchParams) params.set(key, value);
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body) {
    const type = (request.headers.get('content-type') ?? '').toLowerCase();
    if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(await request.text())) params.set(key, value);
    } else if (type.startsWith('multipart/form-data')) {
      for (const [key, value] of await request.formData())
        if (typeof value === 'string') params.set(key, value);
    }
  }
  return Object.fromEntries(params);
}

/** A copy safe to keep in the request log. */
export function redactParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, REDACTED_KEYS.has(key.toLowerCase()) ? '***' : value]),
  );
}

/** `::ffff:127.0.0.1` (an IPv4 caller on a dual-stack socket) is the IPv4 address to WHMCS. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits until the caller gives up (the request's signal aborts). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
