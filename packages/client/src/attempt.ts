import { FetchError, ofetch } from 'ofetch';
import type { WhmcsCredentials } from './auth-params.ts';
import { authParams } from './auth-params.ts';
import { isCertificateError, type WhmcsError, WhmcsNetworkError, WhmcsTimeoutError } from './errors.ts';
import { isRedirect, parseBody, readCapped, redirectError } from './parse-response.ts';

export type Params = Record<string, string | number | boolean | undefined | null>;

export interface AttemptOptions {
  endpoint: string;
  credentials: WhmcsCredentials;
  accessKey?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  userAgent: string;
  fetch?: typeof globalThis.fetch;
  redact: (text: string) => string;
}

/**
 * One POST of one action, on `ofetch.create()`: ofetch builds the request (base URL, form body,
 * headers) and reports a failed fetch as a `FetchError`; its retries are off, because the
 * retry policy on top decides (ofetch would retry a refused certificate and cannot veto a
 * retry per error code). ofetch's own response parsing and `timeout` are not used: the body
 * is read under a byte cap and decoded strictly, and ofetch ignores `timeout` when a signal
 * is passed, which every call does.
 */
export function createAttempt(options: AttemptOptions) {
  const { endpoint, timeoutMs, redact } = options;
  const auth = authParams(options.credentials).params;
  const $whmcs = ofetch.create(
    {
      baseURL: endpoint,
      method: 'POST',
      retry: false,
      // 4xx and 5xx are answers to classify (WHMCS refuses with 403), not errors to throw.
      ignoreResponseError: true,
      responseType: 'stream',
      // A redirect would carry the credentials to wherever it points: never follow one.
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': options.userAgent,
      },
    },
    options.fetch ? { fetch: options.fetch } : {},
  );

  return async function attempt(action: string, params: Params, signal?: AbortSignal): Promise<unknown> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) body.set(key, String(value));
    }
    body.set('action', action);
    body.set('responsetype', 'json');
    for (const [key, value] of Object.entries(auth)) body.set(key, value);
    if (options.accessKey) body.set('accesskey', options.accessKey);

    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let bytes: ArrayBuffer;
    try {
      response = await $whmcs.raw('', {
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (isRedirect(response)) throw redirectError(response, endpoint, action, redact);
      bytes = await readCapped(response, options.maxResponseBytes, action);
    } catch (err) {
      if (isWhmcsError(err)) throw err;
      if (signal?.aborted) throw signal.reason;
      throw toWhmcsError(err, { action, endpoint, timeoutMs, timedOut: timeout.aborted, redact });
    }
    return parseBody(response, bytes, action, redact);
  };
}

export function isWhmcsError(err: unknown): err is WhmcsError {
  return err instanceof Error && 'code' in err && 'refusal' in err;
}

/**
 * The one place a failed fetch becomes a WhmcsError. A `FetchError` holds the request options,
 * body and secret included, so nothing of it is kept: the cause is rebuilt from its redacted
 * message alone.
 */
export function toWhmcsError(
  err: unknown,
  context: {
    action: string;
    endpoint: string;
    timeoutMs: number;
    timedOut: boolean;
    redact: (text: string) => string;
  },
): WhmcsError {
  const { action, endpoint } = context;
  if (context.timedOut) {
    return new WhmcsTimeoutError('timeout', `WHMCS did not answer ${action} within ${context.timeoutMs} ms`, {
      action,
    });
  }
  const failure = err instanceof FetchError && err.cause !== undefined ? err.cause : err;
  const cause = (failure as { cause?: { code?: string; message?: string } })?.cause;
  const message = cause?.message ?? (failure instanceof Error ? failure.message : String(failure));
  const reason = context.redact(
    cause?.code && !message.includes(cause.code) ? `${cause.code}: ${message}` : message,
  );
  return new WhmcsNetworkError(`Could not reach WHMCS at ${endpoint}: ${reason}`, {
    action,
    cause: new Error(reason),
    transient: !isCertificateError(cause?.code),
  });
}
