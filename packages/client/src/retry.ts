import { NEVER_RETRY_CODES, type WhmcsError } from './errors.ts';
import type { RetryPolicy } from './options.ts';

export type { RetryPolicy } from './options.ts';

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze<RetryPolicy>({
  // Four attempts ride out a restarting PHP-FPM or a proxy hiccup without hammering WHMCS.
  attempts: 4,
  // Timeouts and dropped connections are on the way there; WHMCS may never have seen them.
  codes: ['network', 'timeout'],
  // 429: a proxy's rate limit. 502/503/504: a gateway or PHP that is restarting or overloaded.
  // 500 is not retried: it is usually PHP running out of memory on the same page again.
  statuses: [429, 502, 503, 504],
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
});

export function resolveRetryPolicy(retry: Partial<RetryPolicy> | false | undefined): RetryPolicy {
  if (retry === false) return { ...defaultRetryPolicy, attempts: 1 };
  return { ...defaultRetryPolicy, ...retry };
}

/**
 * The delay before the next attempt, or null when the error must not be retried.
 * Authentication, IP, ban and permission errors are never retried, whatever the policy
 * says: WHMCS bans an IP after three failed logins.
 */
export function retryDelay(
  error: WhmcsError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (NEVER_RETRY_CODES.has(error.code)) return null;
  if (attempt >= policy.attempts) return null;
  // A refused TLS certificate is refused again on every attempt.
  if ((error as { transient?: boolean }).transient === false) return null;
  const retryable =
    policy.codes.includes(error.code) ||
    (error.code === 'http_error' && error.status !== undefined && policy.statuses.includes(error.status));
  if (!retryable) return null;
  const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
  if (retryAfter !== undefined) return retryAfter <= policy.maxRetryAfterMs ? retryAfter : null;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
