import { createHash } from 'node:crypto';

/** MD5 hex digest: the legacy admin login sends md5(password). Only the simulator needs this. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
