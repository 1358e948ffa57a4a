import { WHMCS_MESSAGES } from './messages.ts';

/*
 * What WHMCS checks before an action runs, in its order: banned IP > access key / IP allowlist >
 * credentials > empty action > role permission, with its messages and HTTP statuses. The
 * simulator and the bridge's facade each say what they hold (credentials, allowlist, bans);
 * the order, the messages and what counts toward the ban are decided here, once.
 */

export interface Refusal {
  ok: false;
  message: string;
  status: 400 | 403;
  /** A failed login: it counts toward the failed-login ban. */
  failedLogin: boolean;
}

export type Admission<C> = { ok: true; action: string; credential: C | undefined } | Refusal;

/** An API credential, found by its identifier. */
export interface GateCredential {
  identifier: string;
}

export interface GateHolder<C extends GateCredential> {
  /** True while the caller's address is banned. */
  banned: boolean;
  /** The access key and IP allowlist check: the refusal's message, or undefined to go on. */
  network(params: Record<string, string>): string | undefined;
  /** The API credentials this endpoint accepts. */
  credentials: readonly C[];
  /** Compares a sent secret with the credential's (constant time where it matters). */
  secretMatches(credential: C, secret: string): boolean;
  /** True when the credential's administrator account is disabled. */
  adminDisabled?(credential: C): boolean;
  /**
   * A legacy admin login (`username` + MD5 `password`): `ok`, `failed` or `disabled`. Absent: there
   * are no admin logins, and every one fails as a wrong one does.
   */
  legacyLogin?(username: string, md5Password: string): 'ok' | 'failed' | 'disabled';
  /** Whether the credential (undefined: a legacy admin login) may run the action (lower case). */
  permitted(action: string, credential: C | undefined): boolean;
}

const MD5_SHAPE = /^[0-9a-f]{32}$/i;

function refuse(message: string, status: 400 | 403 = 403, failedLogin = false): Refusal {
  return { ok: false, message, status, failedLogin };
}

/**
 * Admits a call or refuses it as WHMCS would. The caller records `failedLogin` refusals in its
 * ban list: the order says a banned address is refused before anything else is read.
 *
 * @example
 * const admission = admit(params, { banned, network: () => undefined, credentials, secretMatches, permitted });
 */
export function admit<C extends GateCredential>(
  params: Record<string, string>,
  holder: GateHolder<C>,
): Admission<C> {
  if (holder.banned) return refuse(WHMCS_MESSAGES.ipBanned);
  const network = holder.network(params);
  if (network !== undefined) return refuse(network);

  const auth = authenticate(params, holder);
  if (!auth.ok) return auth;

  const action = (params.action ?? '').trim().toLowerCase();
  if (action === '') return refuse(WHMCS_MESSAGES.emptyAction, 400);
  if (!holder.permitted(action, auth.credential)) return refuse(WHMCS_MESSAGES.invalidPermissions(action));
  return { ok: true, action, credential: auth.credential };
}

function authenticate<C extends GateCredential>(
  params: Record<string, string>,
  holder: GateHolder<C>,
): { ok: true; credential: C | undefined } | Refusal {
  const failed = (message: string) => refuse(message, 403, true);
  const identifier = params.identifier ?? '';
  const username = params.username ?? '';
  // API credentials arrive as identifier/secret, or as username/password when the username is an
  // identifier; any other username is a legacy admin login.
  const usernameIsIdentifier = username !== '' && holder.credentials.some((c) => c.identifier === username);
  if (identifier !== '' || usernameIsIdentifier) {
    const id = identifier !== '' ? identifier : username;
    const secret = identifier !== '' ? (params.secret ?? '') : (params.password ?? '');
    const credential = holder.credentials.find((c) => c.identifier === id);
    if (!credential || secret === '') return failed(WHMCS_MESSAGES.invalidCredentials);
    if (!holder.secretMatches(credential, secret)) return failed(WHMCS_MESSAGES.authenticationFailed);
    // The secret was right: a disabled administrator is refused, but not as a failed login.
    if (holder.adminDisabled?.(credential)) return refuse(WHMCS_MESSAGES.adminDisabled);
    return { ok: true, credential };
  }
  if (username === '') return failed(WHMCS_MESSAGES.authenticationFailed);
  const password = params.password ?? '';
  if (!MD5_SHAPE.test(password)) return failed(WHMCS_MESSAGES.invalidPassword);
  const legacy = holder.legacyLogin?.(username, password.toLowerCase()) ?? 'failed';
  if (legacy === 'failed') return failed(WHMCS_MESSAGES.authenticationFailed);
  if (legacy === 'disabled') return refuse(WHMCS_MESSAGES.adminDisabled);
  return { ok: true, credential: undefined };
}
