import { type Operation, operation } from './operations.ts';
import { fillMessage, PROXY_ERRORS, type ProxyErrorCode } from './proxy-errors.ts';

/*
 * What the PHP proxy's resolve_call() does, in TypeScript, for the stand-in proxy of the preview:
 * check an operation's parameters against the shared list and build the bridge call. A test runs
 * both on the same inputs and expects the same answers.
 */

export interface ProxyErrorBody {
  error: { code: string; message: string; fix: readonly string[]; details: null; requestId: null };
}

export type ProxyAnswer = [status: number, body: ProxyErrorBody];

/** A proxy error in the bridge's envelope. */
export function proxyError(code: ProxyErrorCode, values: Record<string, string | number> = {}): ProxyAnswer {
  const entry = PROXY_ERRORS[code];
  return [
    entry.status,
    {
      error: {
        code,
        message: fillMessage(entry.message, values),
        fix: entry.fix,
        details: null,
        requestId: null,
      },
    },
  ];
}

export type ResolvedCall =
  | {
      ok: true;
      path: string;
      body: Record<string, unknown> | null;
      headers: Record<string, string>;
    }
  | { ok: false; error: ProxyAnswer };

const invalid = (param: string, problem: string): ResolvedCall => ({
  ok: false,
  error: proxyError('invalid_request', { param, problem }),
});

/** The allowed top-level fields of a JSON object given as text, or why it is not one. */
function objectFields(text: string, fields: readonly string[]): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'must be a JSON object';
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => fields.includes(key)));
}

/**
 * Checks `input` against the operation's parameters and builds the bridge's path (with query)
 * and JSON body. Parameters the operation does not list are ignored.
 *
 * @example
 * resolveCall(operation('source')!, { id: 'eu' }); // { ok: true, path: '/v1/sources/eu', body: null }
 */
export function resolveCall(op: Operation, input: Record<string, string | null | undefined>): ResolvedCall {
  let path = op.path;
  const query: string[] = [];
  const body: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  for (const param of op.params) {
    const value = input[param.name];
    if (value === null || value === undefined || value === '') {
      if (param.required) {
        return invalid(param.name, 'is required');
      }
      continue;
    }
    const items = param.list ? value.split(',') : [value];
    if (items.length > 100) {
      return invalid(param.name, 'at most 100 values');
    }
    const pattern = new RegExp(`^(?:${param.pattern})$`);
    const bad = items.find((item) => !pattern.test(item));
    if (bad !== undefined) {
      return invalid(param.name, `${JSON.stringify(bad)} is not an accepted value`);
    }
    if (param.in === 'path') path = path.replace(`{${param.name}}`, rfc3986(value));
    else if (param.in === 'query') query.push(`${rfc3986(param.name)}=${rfc3986(value)}`);
    else if (param.in === 'header') headers[param.header!] = value;
    else if (param.json === 'object') {
      const fields = objectFields(value, param.fields ?? []);
      if (typeof fields === 'string') return invalid(param.name, fields);
      Object.assign(body, fields);
    } else if (param.json === 'integer') body[param.name] = Number.parseInt(value, 10);
    else if (param.json === 'boolean') body[param.name] = value === 'true';
    else body[param.name] = value;
  }
  if (query.length) path += `?${query.join('&')}`;
  const hasBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  return { ok: true, path, body: hasBody ? body : null, headers };
}

/** PHP's rawurlencode: RFC 3986, so the two proxies send byte-identical URLs. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export { operation };
