import type { BanList } from './ban-list.ts';
import { md5Hex } from './md5.ts';
import type { ResolvedSimulatorOptions, SimCredential } from './types.ts';

export interface Refusal {
  ok: false;
  message: string;
  status: number;
}

export type Admission = { ok: true; action: string; legacy: boolean; credential?: SimCredential } | Refusal;

const MD5_SHAPE = /^[0-9a-f]{32}$/i;

function refuse(message: string, status = 403): Refusal {
  return { ok: false, message, status };
}

/**
 * Everything WHMCS checks before an action runs, in its order: banned IP > access key / IP allowlist >
 * credentials > empty action > role permission. Authentication failures feed the ban list.
 */
export function admit(
  ip: string,
  params: Record<string, string>,
  options: ResolvedSimulatorOptions,
  bans: BanList,
  nowMs: number,
): Admission {
  if (bans.isBanned(ip, nowMs)) return refuse('IP Banned');

  const sentKey = params.accesskey ?? '';
  const keyConfigured = options.accessKey !== undefined && options.accessKey !== '';
  if (keyConfigured && sentKey !== '') {
    if (sentKey !== options.accessKey) return refuse('Invalid Access Key');
  } else if (!options.allowlist.includes(ip)) {
    return refuse(`Invalid IP ${ip}`);
  }

  const auth = authenticate(params, options);
  if (!auth.ok) {
    if (auth.countsTowardBan) bans.recordFailure(ip, nowMs);
    return refuse(auth.message);
  }

  const action = (params.action ?? '').trim().toLowerCase();
  if (action === '') return refuse('Empty action request', 400);

  if (auth.credential) {
    const allowed = auth.credential.actions.some((a) => a === '*' || a.toLowerCase() === action);
    if (!allowed) return refuse(`Invalid Permissions: API action "${action}" is not allowed`);
  }
  return { ok: true, action, legacy: auth.credential === undefined, credential: auth.credential };
}

type Authentication =
  | { ok: true; credential?: SimCredential }
  | { ok: false; message: string; countsTowardBan: boolean };

function authenticate(params: Record<string, string>, options: ResolvedSimulatorOptions): Authentication {
  const failed = (message: string, countsTowardBan = true): Authentication => ({
    ok: false,
    message,
    countsTowardBan,
  });
  const identifier = params.identifier ?? '';
  const username = params.username ?? '';
  // API credentials arrive as identifier/secret, or as username/password when the username is an
  // identifier; any other username is a legacy admin login.
  const usernameIsIdentifier = username !== '' && options.credentials.some((c) => c.identifier === username);
  if (identifier !== '' || usernameIsIdentifier) {
    const id = identifier !== '' ? identifier : username;
    const secret = identifier !== '' ? (params.secret ?? '') : (params.password ?? '');
    const credential = options.credentials.find((c) => c.identifier === id);
    if (!credential || secret === '') return failed('Invalid or missing credentials');
    if (secret !== credential.secret) return failed('Authentication Failed');
    const admin = options.admins.find((a) => a.username === credential.admin);
    if (admin?.disabled) return failed('Administrator Account Disabled', false);
    return { ok: true, credential };
  }
  if (username === '') return failed('Authentication Failed');
  const password = params.password ?? '';
  if (!MD5_SHAPE.test(password)) return failed('Invalid password provided');
  const admin = options.admins.find((a) => a.username === username);
  if (!admin || md5Hex(admin.password) !== password.toLowerCase()) return failed('Authentication Failed');
  if (admin.disabled) return failed('Administrator Account Disabled', false);
  return { ok: true };
}
