import { createHash } from 'node:crypto';

/** The SHA-256 of UTF-8 text: how tokens and secrets are kept (never the value itself). */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
