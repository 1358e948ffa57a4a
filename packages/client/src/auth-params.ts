import { md5 } from 'js-md5';
import type { WhmcsCredentials } from './options.ts';

export type { WhmcsCredentials } from './options.ts';

const MD5_HEX = /^[a-f0-9]{32}$/i;

/**
 * The form parameters that authenticate a call, and the values among them that are secret
 * (redacted wherever they could show up). A legacy password is sent as its MD5, as WHMCS wants.
 *
 * @example authParams({ identifier: 'id', secret: 's3cret' }).params // { identifier: 'id', secret: 's3cret' }
 */
export function authParams(credentials: WhmcsCredentials): {
  params: Record<string, string>;
  secrets: Record<string, string>;
} {
  if ('identifier' in credentials) {
    return {
      params: { identifier: credentials.identifier, secret: credentials.secret },
      secrets: { secret: credentials.secret },
    };
  }
  if ('passwordHash' in credentials) {
    if (!MD5_HEX.test(credentials.passwordHash)) {
      throw new TypeError('credentials.passwordHash: must be the 32-character MD5 hex of the admin password');
    }
    const hash = credentials.passwordHash.toLowerCase();
    return { params: { username: credentials.username, password: hash }, secrets: { hash } };
  }
  const hash = md5(credentials.password);
  return {
    params: { username: credentials.username, password: hash },
    secrets: { password: credentials.password, hash },
  };
}
