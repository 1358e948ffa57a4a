import { md5 } from 'js-md5';
import type { z } from 'zod';
import { resolveApiUrl } from './endpoint.ts';
import {
  errorFromWhmcsMessage,
  isCertificateError,
  type WhmcsError,
  WhmcsHttpError,
  WhmcsNetworkError,
  WhmcsResponseError,
  WhmcsTimeoutError,
} from './errors.ts';
import { createRedactor } from './redact.ts';
import { parseRetryAfter, type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry.ts';
import { mostSpecificIssue } from './zod-issues.ts';

/** API credentials (WHMCS 7.2+), or a legacy admin login. */
export type WhmcsCredentials =
  | { identifier: string; secret: string }
  | { username: string; password: string }
  | { username: string; passwordHash: string };

/** What the transport reports after every attempt, for metrics and logs (never a secret). */
export interface CallEvent {
  action: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: WhmcsError;
  /** Set when the attempt failed and another one follows after this many milliseconds. */
  retryInMs?: number;
}

export interface WhmcsClientOptions {
  /** The WHMCS root or its `includes/api.php` URL. */
  url: string;
  credentials: WhmcsCredentials;
  /** `$api_access_key` from WHMCS's configuration.php: lets the call skip the IP allowlist. */
  accessKey?: string;
  /** Per attempt. Default 30000. */
  timeoutMs?: number;
  /** Overrides parts of {@link defaultRetryPolicy}; `false` disables retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Any WHATWG fetch: the global one by default. */
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
  /** Called after every attempt. */
  onCall?: (event: CallEvent) => void;
  /** The largest answer read, in bytes; a larger one fails with `response_too_large`. Default 32 MB. */
  maxResponseBytes?: number;
}

export type Params = Record<string, string | number | boolean | undefined | null>;

export interface Transport {
  readonly endpoint: string;
  /** POSTs one action and answers its parsed, successful JSON body, or throws a WhmcsError. */
  call<S extends z.ZodType>(
    action: string,
    params: Params,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>>;
  /** Replaces every secret in `text` with `***`. */
  redact(text: string): string;
}

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const DEFAULT_USER_AGENT = 'forecaster-whmcs-client/0.1 (+https://forecaster-bridge.dev)';
const MD5_HEX = /^[a-f0-9]{32}$/i;

export function createTransport(options: WhmcsClientOptions): Transport {
  const endpoint = resolveApiUrl(options.url).toString();
  const auth = authParams(options.credentials);
  const secrets = [...Object.values(auth.secrets), options.accessKey].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const redact = createRedactor(secrets);
  const policy = resolveRetryPolicy(options.retry);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  async function attempt(action: string, params: Params, signal?: AbortSignal): Promise<unknown> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) body.set(key, String(value));
    }
    body.set('action', action);
    body.set('responsetype', 'json');
    for (const [key, value] of Object.entries(auth.params)) body.set(key, value);
    if (options.accessKey) body.set('accesskey', options.accessKey);

    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let bytes: ArrayBuffer;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': userAgent,
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        // A redirect would carry the credentials to wherever it points: never follow one.
        redirect: 'manual',
      });
      if (isRedirect(response)) throw redirectError(response, endpoint, action, redact);
      bytes = await readCapped(response, maxBytes, action);
    } catch (err) {
      if (isWhmcsError(err)) throw err;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new WhmcsTimeoutError('timeout', `WHMCS did not answer ${action} within ${timeoutMs} ms`, {
          action,
        });
      }
      // The cause is rebuilt from the message alone: a fetch error can hold the request.
      const reason = redact(describeNetworkError(err));
      const code = (err as { cause?: { code?: string } })?.cause?.code;
      throw new WhmcsNetworkError(`Could not reach WHMCS at ${endpoint}: ${reason}`, {
        action,
        cause: new Error(reason),
        transient: !isCertificateError(code),
      });
    }
    return parseBody(response, bytes, action, redact);
  }

  async function call<S extends z.ZodType>(
    action: string,
    params: Params,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    for (let n = 1; ; n++) {
      const started = Date.now();
      try {
        const data = await attempt(action, params, signal);
        const parsed = schema.safeParse(data);
        if (!parsed.success) {
          const issue = mostSpecificIssue(parsed.error.issues);
          const path = issue.path.join('.');
          throw new WhmcsResponseError(
            `WHMCS's ${action} answer does not fit the expected shape at ${path || '(root)'}: ${redact(issue.message)}`,
            { action, path, status: 200 },
          );
        }
        options.onCall?.({ action, attempt: n, durationMs: Date.now() - started, status: 200 });
        return parsed.data;
      } catch (err) {
        if (!isWhmcsError(err)) throw err;
        const delay = retryDelay(err, n, policy);
        options.onCall?.({
          action,
          attempt: n,
          durationMs: Date.now() - started,
          status: err.status,
          error: err,
          ...(delay === null ? {} : { retryInMs: delay }),
        });
        if (delay === null) throw err;
        await sleep(delay, signal);
      }
    }
  }

  return { endpoint, call, redact };
}

function isRedirect(response: Response): boolean {
  // A browser's fetch answers a manual redirect with an opaque response of status 0.
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

function redirectError(
  response: Response,
  endpoint: string,
  action: string,
  redact: (s: string) => string,
): WhmcsHttpError {
  const location = response.headers.get('location');
  let target: URL | undefined;
  try {
    target = location ? new URL(location, endpoint) : undefined;
  } catch {
    target = undefined;
  }
  const shown = target ? redact(target.toString()) : '(a target the answer does not show)';
  const fix = !target
    ? 'Find out which address WHMCS answers on and configure that one.'
    : target.protocol === 'http:' && !isLoopbackHost(target.hostname)
      ? 'It points to plain http://, which would send the secret unencrypted: configure the https:// address WHMCS answers on.'
      : `If that is WHMCS, configure ${shown} as its URL.`;
  void response.body?.cancel().catch(() => {});
  return new WhmcsHttpError(
    `WHMCS's address answered ${action} with HTTP ${response.status || 'redirect'} to ${shown}. The client never follows a redirect: it would carry the API credentials there. ${fix}`,
    {
      action,
      status: response.status,
      excerpt: '',
      code: 'redirected',
      ...(target ? { location: shown } : {}),
    },
  );
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Reads the body up to `max` bytes; past it, stops reading and fails without a retry. */
async function readCapped(response: Response, max: number, action: string): Promise<ArrayBuffer> {
  const tooLarge = (size: string) =>
    new WhmcsResponseError(
      `WHMCS's ${action} answer is larger than ${max} bytes (${size}): not read. Ask for smaller pages.`,
      { action, status: response.status, code: 'response_too_large' },
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge(`${declared} bytes declared`);
  }
  if (!response.body) return new ArrayBuffer(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${size} bytes sent`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

function isWhmcsError(err: unknown): err is WhmcsError {
  return err instanceof Error && 'code' in err && 'refusal' in err;
}

function authParams(credentials: WhmcsCredentials): {
  params: Record<string, string>;
  secrets: Record<string, string>;
} {
  if ('identifier' in credentials) {
    return {
      params: { identifier: credentials.identifier, secret: credentials.secret },
      secrets: { secret: credentials.secret },
    };
  }
  if ('passwordHash' in credentials) {
    if (!MD5_HEX.test(credentials.passwordHash)) {
      throw new TypeError('credentials.passwordHash: must be the 32-character MD5 hex of the admin password');
    }
    const hash = credentials.passwordHash.toLowerCase();
    return { params: { username: credentials.username, password: hash }, secrets: { hash } };
  }
  const hash = md5(credentials.password);
  return {
    params: { username: credentials.username, password: hash },
    secrets: { password: credentials.password, hash },
  };
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  const message = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseBody(
  response: Response,
  bytes: ArrayBuffer,
  action: string,
  redact: (s: string) => string,
): unknown {
  const status = response.status;
  const ok = status >= 200 && status < 300;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    if (!ok) throw httpError(response, '(binary or non-UTF-8 body)', action);
    throw new WhmcsResponseError(`WHMCS's ${action} answer is not valid UTF-8`, { action, status });
  }
  const json = parseJson(text);
  if (json !== undefined) {
    const envelope = json as { result?: unknown; status?: unknown; message?: unknown };
    if (
      envelope &&
      typeof envelope === 'object' &&
      (envelope.result === 'error' || envelope.status === 'error')
    ) {
      throw errorFromWhmcsMessage(redact(String(envelope.message ?? '')), { status, action });
    }
    if (!ok) throw httpError(response, redact(text), action);
    return json;
  }
  // Errors raised before the action runs come back as NVP or XML when responsetype was lost.
  const nvp = /^\s*result=error;message=(.*)$/s.exec(text);
  const xml = /<result>\s*error\s*<\/result>[\s\S]*?<message>([\s\S]*?)<\/message>/i.exec(text);
  const message = nvp?.[1] ?? xml?.[1];
  if (message !== undefined) throw errorFromWhmcsMessage(redact(message.trim()), { status, action });
  if (!ok || /^\s*</.test(text)) throw httpError(response, redact(text), action);
  throw new WhmcsResponseError(
    `WHMCS's ${action} answer is not valid JSON (${excerptOf(redact(text), 80)})`,
    {
      action,
      status,
    },
  );
}

/** JSON.parse, tolerating a BOM and PHP notices printed before the JSON body. */
function parseJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.lastIndexOf('{"result"');
    if (start > 0) {
      try {
        return JSON.parse(trimmed.slice(start));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

function httpError(response: Response, body: string, action: string): WhmcsHttpError {
  const excerpt = excerptOf(body, 200);
  const what = /^\s*</.test(body) ? 'an HTML page' : 'a body';
  return new WhmcsHttpError(
    `Something other than WHMCS answered ${action}: HTTP ${response.status} with ${what} (${excerpt || 'empty'})`,
    {
      action,
      status: response.status,
      excerpt,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    },
  );
}

function excerptOf(body: string, max: number): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
