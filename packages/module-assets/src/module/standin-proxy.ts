import { timingSafeEqual } from 'node:crypto';
import { operation } from './operations.ts';
import { type ProxyAnswer, proxyError, resolveCall } from './resolve-call.ts';

/*
 * The PHP proxy's behaviour in TypeScript, for the preview `pnpm start` serves: the same
 * operation list, parameter checks, CSRF and role rules, and the same errors when the bridge is
 * away or refuses the token. The bridge token stays in this process.
 */

export interface StandInProxyOptions {
  bridgeUrl: string;
  token: string;
  /** The CSRF token the page was given. */
  csrfToken: string;
  /** Whether the (pretend) admin may run write operations. */
  canWrite: boolean;
  timeoutSeconds?: number;
}

export interface ProxyRequest {
  method: string;
  /** The query string (op and, for reads, the parameters). */
  query: URLSearchParams;
  /** The posted form (token and, for actions and writes, the parameters). */
  form: URLSearchParams;
}

export interface ProxyResponse {
  status: number;
  body: string;
}

const json = ([status, body]: ProxyAnswer | [number, unknown]): ProxyResponse => ({
  status,
  body: JSON.stringify(body),
});

function sameToken(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A handler that answers one module API request like the PHP proxy.
 *
 * @example
 * const proxy = createStandInProxy({ bridgeUrl, token, csrfToken, canWrite: true });
 * const { status, body } = await proxy({ method: 'GET', query: new URLSearchParams('op=sources'), form: new URLSearchParams() });
 */
export function createStandInProxy(
  options: StandInProxyOptions,
): (request: ProxyRequest) => Promise<ProxyResponse> {
  const timeoutSeconds = options.timeoutSeconds ?? 15;
  const base = options.bridgeUrl.replace(/\/+$/, '');
  return async (request) => {
    const op = request.query.get('op') ?? '';
    const found = operation(op);
    if (!found) return json(proxyError('unknown_operation', { op }));
    const expected = found.kind === 'read' ? 'GET' : 'POST';
    if (request.method.toUpperCase() !== expected) {
      return json(proxyError('method_not_allowed', { op, method: expected }));
    }
    if (expected === 'POST' && !sameToken(options.csrfToken, request.form.get('token'))) {
      return json(proxyError('csrf_failed'));
    }
    if (found.kind === 'write' && !options.canWrite) return json(proxyError('forbidden_role'));
    const source = expected === 'POST' ? request.form : request.query;
    const input = Object.fromEntries(found.params.map((p) => [p.name, source.get(p.name)]));
    const call = resolveCall(found, input);
    if (!call.ok) return json(call.error);
    if (!/^https?:\/\/[^/]+/i.test(base) || !options.token) return json(proxyError('bridge_not_configured'));
    const display = new URL(base).origin;
    let response: Response;
    try {
      response = await fetch(base + call.path, {
        method: found.method,
        redirect: 'manual',
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...call.headers,
          ...(call.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(call.body ? { body: JSON.stringify(call.body) } : {}),
        signal: AbortSignal.timeout(timeoutSeconds * 1000),
      });
    } catch (err) {
      const error = err as Error & { cause?: { code?: string; message?: string } };
      if (error.name === 'TimeoutError') {
        return json(proxyError('bridge_timeout', { url: display, seconds: timeoutSeconds }));
      }
      const reason = error.cause?.code ?? error.cause?.message ?? error.message;
      return json(proxyError('bridge_unreachable', { url: display, reason }));
    }
    const text = await response.text();
    if (response.status === 401) return json(proxyError('bridge_token_refused'));
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown;
    try {
      parsed = type.toLowerCase().startsWith('application/json') ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      return json(proxyError('bridge_bad_response', { status: response.status }));
    }
    const body = options.token.length >= 8 ? text.split(options.token).join('[redacted]') : text;
    return { status: response.status, body };
  };
}
