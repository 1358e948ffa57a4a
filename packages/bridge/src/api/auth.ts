import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { sha256, type TokenConfig } from '../config.ts';
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
  return new ApiError(401, 'unauthorized', message, null, {
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

/** Requires `Authorization: Bearer <token>` and applies the per-token rate limit. */
export function bearerAuth(
  tokens: readonly TokenConfig[],
  requestsPerMinute: number,
  now: () => number,
): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiter(requestsPerMinute, now);
  return async (c, next) => {
    const header = c.req.header('Authorization');
    if (!header) throw unauthorized('send the API token as Authorization: Bearer <token>', false);
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must use the Bearer scheme', false);
    const name = matchToken(match[1]!, tokens);
    if (name === undefined) throw unauthorized('the token is not valid for this bridge', true);
    c.set('tokenName', name);

    const decision = limiter.take(name);
    if (!decision.allowed) {
      throw new ApiError(
        429,
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
