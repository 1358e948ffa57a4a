import { ConfigError } from './config/errors.ts';
import { SCOPES, type Scope } from './scopes.ts';

/*
 * Rules for the API's bearer tokens, applied wherever a token enters the configuration (the
 * `tokens` list, BRIDGE_TOKEN, BRIDGE_TOKENS_FILE). A short token falls to brute force (a
 * 2-character one was found in 0.6 s), and two entries with one token would make the audit log
 * and the per-token rate limit name the wrong holder.
 */

/** Tokens given as values must be at least this long; the SHA-256 form is taken as it is. */
export const MIN_TOKEN_LENGTH = 32;

/** Throws unless `token` is long enough; the message never repeats the token. */
export function checkTokenLength(token: string, key: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      key,
      `an API token needs at least ${MIN_TOKEN_LENGTH} characters (this one has ${token.length}); ` +
        'generate one with: openssl rand -hex 32 (or configure its sha256 instead)',
    );
  }
}

/** A token as configured: its name, its hash and the configuration key it came from. */
export interface TokenEntry {
  name: string;
  sha256: Buffer;
  key: string;
  scopes?: Scope[];
}

/** Throws on the first token whose value or name an earlier one already has. */
export function checkDistinctTokens(tokens: readonly TokenEntry[]): void {
  tokens.forEach((token, i) => {
    const earlier = tokens.slice(0, i);
    const same = earlier.find((t) => t.sha256.equals(token.sha256));
    if (same) {
      throw new ConfigError(
        token.key,
        `is the same token as ${same.key} ("${same.name}"): give each holder its own token`,
      );
    }
    if (earlier.some((t) => t.name === token.name)) {
      throw new ConfigError(
        token.key.startsWith('tokens[') ? `${token.key}.name` : token.key,
        `duplicate token name "${token.name}": names identify tokens in logs, rate limits and the audit log`,
      );
    }
  });
}

/** The start-up warning for a token without scopes. */
export function legacyTokenWarning(name: string, key: string): string {
  return (
    `${key} ("${name}") has no scopes: it keeps the rights of tokens before scopes (read, trigger syncs, run checks) ` +
    `and nothing new; give it "scopes": [${SCOPES.map((s) => `"${s}"`).join(', ')}] or fewer`
  );
}
