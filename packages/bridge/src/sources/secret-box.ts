import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * Secrets of sources managed through the API, sealed with AES-256-GCM under the operator's key
 * (`managedSources.key` in the configuration, from the environment or a file). The source id is
 * the additional data: a sealed secret copied onto another source does not open. The key id (a
 * hash of the key, never the key) says which key sealed a row, so that during a rotation each
 * row opens with the key that sealed it.
 *
 * Sealed layout: version (1 byte, 1) | nonce (12) | tag (16) | ciphertext.
 */

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SealingKey {
  /** 16 hex characters of a hash of the key: safe to store and show. */
  id: string;
  key: Buffer;
}

/** Thrown for a key that is not 32 bytes (base64 or hex), or a row that no key opens. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/**
 * A key from its text: 32 random bytes written as base64 (44 characters) or hex (64).
 *
 * @example parseSealingKey(execSync('openssl rand -base64 32').toString().trim())
 */
export function parseSealingKey(text: string, what = 'managedSources.key'): SealingKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (key?.length !== 32) {
    throw new SecretBoxError(
      `${what} must be 32 random bytes written as base64 or hex (generate one with: openssl rand -base64 32)`,
    );
  }
  const id = createHash('sha256').update('forecaster-bridge managed sources key\0').update(key).digest('hex');
  return { id: id.slice(0, 16), key };
}

/** Seals `plaintext` for the source `sourceId`. */
export function seal(key: SealingKey, sourceId: string, plaintext: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
  cipher.setAAD(Buffer.from(sourceId, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

/** Opens what {@link seal} sealed with `key` for `sourceId`; throws if either differs or it was altered. */
export function open(key: SealingKey, sourceId: string, sealed: Buffer): string {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new SecretBoxError(
      `the sealed secret of source "${sourceId}" is not in a format this bridge reads`,
    );
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, nonce);
  decipher.setAAD(Buffer.from(sourceId, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretBoxError(`the secret of source "${sourceId}" does not open with key ${key.id}`);
  }
}

/** The keys a bridge holds: the current one seals; a previous one (during a rotation) only opens. */
export interface KeyRing {
  current: SealingKey;
  previous?: SealingKey;
}

/** Opens a row sealed under `keyId` with whichever key of the ring has that id. */
export function openWithRing(ring: KeyRing, keyId: string, sourceId: string, sealed: Buffer): string {
  const key = [ring.current, ring.previous].find((k) => k?.id === keyId);
  if (!key) {
    throw new SecretBoxError(
      `the secret of source "${sourceId}" is sealed under key ${keyId}, which is neither managedSources.key (${ring.current.id})${ring.previous ? ` nor managedSources.previousKey (${ring.previous.id})` : ''}`,
    );
  }
  return open(key, sourceId, sealed);
}
