import { timingSafeEqual } from 'node:crypto';
import { ANSWER_TYPES, type Operation, operation, UPLOAD_LIMITS } from './operations.ts';
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
  /** The uploaded `file` / `file[]` entries of a multipart POST. */
  files?: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
}

export interface ProxyResponse {
  status: number;
  /** JSON unless `file` says otherwise. */
  body: string | Uint8Array;
  /** A file answer's Content-Type and Content-Disposition. */
  file?: { type: string; disposition: string };
}

/** Like the PHP proxy's format_bytes. */
function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** What an upload operation sends, like the PHP proxy's upload_body: the body, or the refusal. */
function uploadBody(
  op: Operation,
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  declared: string | null,
): { body: BodyInit; type?: string } | ProxyAnswer {
  const sent = declared !== null && /^[0-9]+$/.test(declared) ? Number(declared) : files.length;
  const max = op.upload === 'csv' ? 1 : UPLOAD_LIMITS.files;
  if (sent > max) return proxyError('too_many_files', { count: sent, limit: max });
  if (files.length === 0) return proxyError('no_file');
  // The preview has no max_file_uploads: every file sent arrives.
  if (sent !== files.length) return proxyError('files_lost', { sent, arrived: files.length, limit: max });
  const maxBytes = op.upload === 'csv' ? UPLOAD_LIMITS.csvBytes : UPLOAD_LIMITS.fileBytes;
  const big = files.find((f) => f.bytes.length > maxBytes);
  if (big) {
    return proxyError('file_too_large', {
      name: big.name,
      size: formatBytes(big.bytes.length),
      limit: formatBytes(maxBytes),
    });
  }
  if (op.upload === 'csv') return { body: Buffer.from(files[0]!.bytes), type: 'text/csv; charset=utf-8' };
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([Buffer.from(f.bytes)]), f.name);
  return { body: form };
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
    const upload = found.upload
      ? uploadBody(found, request.files ?? [], request.form.get('files'))
      : undefined;
    if (Array.isArray(upload)) return json(upload);
    if (!/^https?:\/\/[^/]+/i.test(base) || !options.token) return json(proxyError('bridge_not_configured'));
    const display = new URL(base).origin;
    let response: Response;
    try {
      response = await fetch(base + call.path, {
        method: found.method,
        redirect: 'manual',
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: found.answer === 'file' ? '*/*' : 'application/json',
          ...call.headers,
          ...(upload?.type ? { 'content-type': upload.type } : {}),
          ...(call.body && !upload ? { 'content-type': 'application/json' } : {}),
        },
        ...(upload ? { body: upload.body } : call.body ? { body: JSON.stringify(call.body) } : {}),
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
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status === 401) return json(proxyError('bridge_token_refused'));
    const type = response.headers.get('content-type') ?? '';
    const bare = type.split(';')[0]!.trim().toLowerCase();
    if (found.answer === 'file' && response.ok && (ANSWER_TYPES as readonly string[]).includes(bare)) {
      const given = response.headers.get('content-disposition') ?? '';
      const disposition = /^attachment/i.test(given) ? given : 'attachment';
      if (bare !== 'text/csv')
        return { status: response.status, body: bytes, file: { type: bare, disposition } };
      const csv = Buffer.from(bytes).toString('utf8');
      return {
        status: response.status,
        body: options.token.length >= 8 ? csv.split(options.token).join('[redacted]') : csv,
        file: { type: 'text/csv; charset=utf-8', disposition },
      };
    }
    const text = Buffer.from(bytes).toString('utf8');
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
