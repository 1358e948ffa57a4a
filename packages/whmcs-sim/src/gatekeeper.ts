import {
  type Admission,
  admit as admitWhmcs,
  type BanList,
  WHMCS_MESSAGES,
} from '@forecaster/whmcs-client/wire';
import { md5Hex } from './md5.ts';
import type { ResolvedSimulatorOptions, SimCredential } from './types.ts';

export type { Admission, Refusal } from '@forecaster/whmcs-client/wire';

/**
 * What this simulated WHMCS holds, checked in WHMCS's order by the wire kit's gatekeeper:
 * banned IP > access key / IP allowlist > credentials > empty action > role permission.
 * Authentication failures feed the ban list.
 */
export function admit(
  ip: string,
  params: Record<string, string>,
  options: ResolvedSimulatorOptions,
  bans: BanList,
  nowMs: number,
): Admission<SimCredential> {
  const admitted = admitWhmcs<SimCredential>(params, {
    banned: bans.isBanned(ip, nowMs),
    network(sent) {
      const sentKey = sent.accesskey ?? '';
      const keyConfigured = options.accessKey !== undefined && options.accessKey !== '';
      if (keyConfigured && sentKey !== '') {
        return sentKey === options.accessKey ? undefined : WHMCS_MESSAGES.invalidAccessKey;
      }
      return options.allowlist.includes(ip) ? undefined : WHMCS_MESSAGES.invalidIp(ip);
    },
    credentials: options.credentials,
    secretMatches: (credential, secret) => secret === credential.secret,
    adminDisabled: (credential) =>
      options.admins.find((a) => a.username === credential.admin)?.disabled === true,
    legacyLogin(username, md5Password) {
      const admin = options.admins.find((a) => a.username === username);
      if (!admin || md5Hex(admin.password) !== md5Password) return 'failed';
      return admin.disabled ? 'disabled' : 'ok';
    },
    permitted: (action, credential) =>
      credential === undefined || credential.actions.some((a) => a === '*' || a.toLowerCase() === action),
  });
  if (!admitted.ok && admitted.failedLogin) bans.recordFailure(ip, nowMs);
  return admitted;
}
