import { timingSafeEqual } from 'node:crypto';
import { type Admission, admit as admitWhmcs, WHMCS_MESSAGES } from '@forecaster/whmcs-client/wire';
import { type FacadeConfig, type FacadeCredential, sha256 } from '../config.ts';

/*
 * What the facade holds, checked in WHMCS's order by the wire kit's gatekeeper (banned IP > IP
 * allowlist > credentials > empty action > role permission), with WHMCS's messages and statuses,
 * so that a module written against WHMCS reads every refusal as it would from WHMCS. Each facade
 * credential holds the one role "GetInvoices only". There is no access key and no legacy admin
 * login: both are refused as WHMCS refuses a wrong one.
 */

export type { Admission, Refusal } from '@forecaster/whmcs-client/wire';

const ALLOWED_ACTION = 'getinvoices';

/** The credentials valid at one source's endpoint. */
export function credentialsFor(facade: FacadeConfig, sourceId: string): FacadeCredential[] {
  return facade.credentials.filter((c) => c.sources === null || c.sources.includes(sourceId));
}

/** True when `secret` hashes to the credential's SHA-256; constant time in the secret. */
function secretMatches(credential: FacadeCredential, secret: string): boolean {
  const hash = sha256(secret);
  return hash.length === credential.secretSha256.length && timingSafeEqual(hash, credential.secretSha256);
}

/** Admits a call or refuses it; the caller records `failedLogin` refusals in its ban list. */
export function admit(
  ip: string,
  params: Record<string, string>,
  context: { facade: FacadeConfig; credentials: readonly FacadeCredential[]; banned: boolean },
): Admission<FacadeCredential> {
  const { facade, credentials, banned } = context;
  return admitWhmcs<FacadeCredential>(params, {
    banned,
    network: () =>
      facade.allowlist !== null && !facade.allowlist.includes(ip) ? WHMCS_MESSAGES.invalidIp(ip) : undefined,
    credentials,
    secretMatches,
    permitted: (action) => action === ALLOWED_ACTION,
  });
}
