import type { z } from 'zod';
import { createAttempt, isWhmcsError, type Params } from './attempt.ts';
import { authParams } from './auth-params.ts';
import { resolveApiUrl } from './endpoint.ts';
import { WhmcsResponseError } from './errors.ts';
import { checkOptions, type WhmcsClientOptions, whmcsClientOptionsSchema } from './options.ts';
import { createRedactor } from './redact.ts';
import { type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry.ts';
import { mostSpecificIssue } from './zod-issues.ts';

export type { Params } from './attempt.ts';
export type { CallEvent } from './call-event.ts';
export type { WhmcsClientOptions, WhmcsCredentials } from './options.ts';

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
const DEFAULT_USER_AGENT = 'forecaster-whmcs-client/0.1';

/**
 * Attempt and retry: one action through {@link createAttempt}, parsed with its schema, tried
 * again as {@link RetryPolicy} says, every attempt reported to `onCall`.
 */
export function createTransport(given: WhmcsClientOptions): Transport {
  const options = checkOptions(whmcsClientOptionsSchema, given, 'options');
  const endpoint = resolveApiUrl(options.url).toString();
  const auth = authParams(options.credentials);
  const secrets = [...Object.values(auth.secrets), options.accessKey].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const redact = createRedactor(secrets);
  const policy = resolveRetryPolicy(options.retry);

  const attempt = createAttempt({
    endpoint,
    credentials: options.credentials,
    ...(options.accessKey ? { accessKey: options.accessKey } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    redact,
  });

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
