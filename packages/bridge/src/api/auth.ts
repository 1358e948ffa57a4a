import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { sha256, type TokenConfig } from '../config.ts';
import { callerIp } from '../facade/client-ip.ts';
import type { AppEnv } from './deps.ts';
import { ApiError } from './errors.ts';
import { RateLimiter } from './rate-limit.ts';

/*
 * Bearer tokens. The bridge keeps only each token's SHA-256; the presented token is hashed
 * and compared with every configured hash in constant time, without stopping at a match, so
 * that the time taken says nothing about which token (if any) matched.
 */

const CHALLENGE = 'Bearer realm="forecaster-bridge"';

function unauthorized(message: string, invalidToken: boolean): ApiError {
  return new ApiError('unauthorized', message, null, {
    'WWW-Authenticate': invalidToken ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE,
  });
}

/** The name of the configured token whose hash equals the presented token's, if any. */
export function matchToken(presented: string, tokens: readonly TokenConfig[]): string | undefined {
  const hash = sha256(presented);
  let matched: string | undefined;
  for (const token of tokens) {
    // Hashes are always 32 bytes (the config schema checks); a malformed one never matches,
    // but is still given a comparison so that every token costs the same.
    const comparable = token.sha256.length === hash.length;
    const equal = timingSafeEqual(hash, comparable ? token.sha256 : hash) && comparable;
    if (equal && matched === undefined) matched = token.name;
  }
  return matched;
}

/** The name of the token an Authorization header presents, or the 401 to answer. */
function identify(header: string | undefined, tokens: readonly TokenConfig[]): TokenConfig | ApiError {
  if (!header) return unauthorized('send the API token as Authorization: Bearer <token>', false);
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  if (!match) return unauthorized('the Authorization header must use the Bearer scheme', false);
  const name = matchToken(match[1]!, tokens);
  // Names are unique (the configuration refuses a name twice).
  const token = name === undefined ? undefined : tokens.find((t) => t.name === name);
  return token ?? unauthorized('the token is not valid for this bridge', true);
}

/** Rate limits of {@link bearerAuth}: the configuration's `rateLimit`. */
export interface AuthLimits {
  requestsPerMinute: number;
  failedAuthPerMinute?: number;
  trustedProxies?: string[];
}

/** Failed authentications allowed per client address and minute when the configuration says nothing. */
export const DEFAULT_FAILED_AUTH_PER_MINUTE = 10;

/**
 * Requires `Authorization: Bearer <token>` and applies the per-token rate limit. Failed
 * authentications are limited per client address: once an address spent its allowance, every
 * request from it is refused with 429 before its token is looked at, so that a guesser learns
 * nothing more (not even from a right guess) until the allowance refills.
 */
export function bearerAuth(
  tokens: readonly TokenConfig[],
  limits: AuthLimits,
  now: () => number,
): MiddlewareHandler<AppEnv> {
  const { requestsPerMinute } = limits;
  const failedPerMinute = limits.failedAuthPerMinute ?? DEFAULT_FAILED_AUTH_PER_MINUTE;
  const proxies = limits.trustedProxies ?? [];
  const limiter = new RateLimiter(requestsPerMinute, now);
  const failures = new RateLimiter(failedPerMinute, now);
  return async (c, next) => {
    const address = callerIp(c.env?.incoming, c.req.header('x-forwarded-for'), proxies);
    const blocked = failures.peek(address);
    if (!blocked.allowed) {
      throw new ApiError(
        'rate_limited',
        `too many failed authentications from this address: at most ${failedPerMinute} a minute; retry in ${blocked.retryAfterSeconds} s`,
        { retryAfterSeconds: blocked.retryAfterSeconds },
        { 'Retry-After': String(blocked.retryAfterSeconds) },
      );
    }
    const token = identify(c.req.header('Authorization'), tokens);
    if (token instanceof ApiError) {
      failures.take(address);
      throw token;
    }
    c.set('tokenName', token.name);
    c.set('tokenScopes', token.scopes ?? null);

    const decision = limiter.take(token.name);
    if (!decision.allowed) {
      throw new ApiError(
        'rate_limited',
        `too many requests for this token: at most ${requestsPerMinute} a minute; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
    await next();
    // Answers about one caller's data must not be kept by shared caches.
    c.header('Cache-Control', 'no-store');
  };
}
