import { timingSafeEqual } from 'node:crypto';
import { type FacadeConfig, type FacadeCredential, sha256 } from '../config.ts';
import type { BanList } from './ban-list.ts';

/*
 * What WHMCS checks before an action runs, in its order: banned IP > IP allowlist > credentials >
 * empty action > role permission, with its messages and HTTP statuses, so that a module written
 * against WHMCS reads every refusal as it would from WHMCS. Each facade credential holds the one
 * role "GetInvoices only". There is no access key and no legacy admin login: both are refused as
 * WHMCS refuses a wrong one.
 */

export interface Refusal {
  ok: false;
  message: string;
  status: 400 | 403;
  /** This refusal banned the caller's address. */
  banned?: boolean;
}

export type Admission = { ok: true; action: string; identifier: string } | Refusal;

const MD5_SHAPE = /^[0-9a-f]{32}$/i;
const ALLOWED_ACTION = 'getinvoices';

function refuse(message: string, status: 400 | 403 = 403): Refusal {
  return { ok: false, message, status };
}

/** The credentials valid at one source's endpoint. */
export function credentialsFor(facade: FacadeConfig, sourceId: string): FacadeCredential[] {
  return facade.credentials.filter((c) => c.sources === null || c.sources.includes(sourceId));
}

/** True when `secret` hashes to the credential's SHA-256; constant time in the secret. */
function secretMatches(secret: string, credential: FacadeCredential): boolean {
  const hash = sha256(secret);
  return hash.length === credential.secretSha256.length && timingSafeEqual(hash, credential.secretSha256);
}

export function admit(
  ip: string,
  params: Record<string, string>,
  context: {
    facade: FacadeConfig;
    credentials: readonly FacadeCredential[];
    bans: BanList | null;
    nowMs: number;
  },
): Admission {
  const { facade, credentials, bans, nowMs } = context;
  if (bans?.isBanned(ip, nowMs)) return refuse('IP Banned');
  if (facade.allowlist !== null && !facade.allowlist.includes(ip)) return refuse(`Invalid IP ${ip}`);

  const auth = authenticate(params, credentials);
  if (!auth.ok) {
    const banned = bans?.recordFailure(ip, nowMs) ?? false;
    return { ...refuse(auth.message), ...(banned ? { banned } : {}) };
  }

  const action = (params.action ?? '').trim().toLowerCase();
  if (action === '') return refuse('Empty action request', 400);
  if (action !== ALLOWED_ACTION) return refuse(`Invalid Permissions: API action "${action}" is not allowed`);
  return { ok: true, action, identifier: auth.identifier };
}

function authenticate(
  params: Record<string, string>,
  credentials: readonly FacadeCredential[],
): { ok: true; identifier: string } | { ok: false; message: string } {
  const identifier = params.identifier ?? '';
  const username = params.username ?? '';
  // API credentials arrive as identifier/secret, or as username/password when the username is an
  // identifier; any other username is a legacy admin login, which the facade has none of.
  const usernameIsIdentifier = username !== '' && credentials.some((c) => c.identifier === username);
  if (identifier !== '' || usernameIsIdentifier) {
    const id = identifier !== '' ? identifier : username;
    const secret = identifier !== '' ? (params.secret ?? '') : (params.password ?? '');
    const credential = credentials.find((c) => c.identifier === id);
    if (!credential || secret === '') return { ok: false, message: 'Invalid or missing credentials' };
    if (!secretMatches(secret, credential)) return { ok: false, message: 'Authentication Failed' };
    return { ok: true, identifier: credential.identifier };
  }
  if (username === '') return { ok: false, message: 'Authentication Failed' };
  if (!MD5_SHAPE.test(params.password ?? '')) return { ok: false, message: 'Invalid password provided' };
  return { ok: false, message: 'Authentication Failed' };
}
