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
        redirect: 'follow',
      });
      bytes = await response.arrayBuffer();
    } catch (err) {
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

/**
 * Replaces every secret, in the forms it can show up in (as is, trimmed, URL-encoded), with
 * `***`. The one redactor of the project: the bridge's logs and `bridge check` use it too.
 *
 * @example createRedactor([secret])(`body=${secret}`) // 'body=***'
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s), s.trim()]))]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join('***');
    return out;
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
