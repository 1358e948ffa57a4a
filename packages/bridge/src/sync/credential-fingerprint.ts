import { createHash } from 'node:crypto';
import { NEVER_RETRY_CODES, WhmcsError, type WhmcsErrorCode } from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { LoginOutcome } from '../store/login-gate.ts';

/**
 * What decides whether WHMCS accepts a login: the address and everything sent to authenticate.
 * A truncated hash, so the store keeps no secret; a changed configuration changes it.
 */
export function credentialFingerprint(
  source: Pick<SourceConfig, 'url' | 'credentials' | 'accessKey'>,
): string {
  return createHash('sha256')
    .update(JSON.stringify(['login', source.url, source.credentials, source.accessKey ?? null]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * What a failed call says about the login: a refusal (credentials, IP, access key, permission),
 * an answer from past authentication (an error inside the action, a bad row), or nothing.
 */
export function loginOutcomeOf(err: unknown): {
  outcome: LoginOutcome;
  refusal?: { code: string; message: string };
} {
  if (!(err instanceof WhmcsError)) return { outcome: 'unknown' };
  if (NEVER_RETRY_CODES.has(err.code as WhmcsErrorCode)) {
    return { outcome: 'refused', refusal: { code: err.code, message: err.message } };
  }
  // Raised inside the action (HTTP 200): WHMCS authenticated the call.
  if (err.code === 'api_error' && err.status === 200) {
    return { outcome: 'accepted' };
  }
  return { outcome: 'unknown' };
}
