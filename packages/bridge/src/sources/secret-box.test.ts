import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, openWithRing, parseSealingKey, SecretBoxError, seal } from './secret-box.ts';

const keyA = parseSealingKey(randomBytes(32).toString('base64'));
const keyB = parseSealingKey(randomBytes(32).toString('hex'));

describe('secret box (AES-256-GCM)', () => {
  it('opens what it sealed, and the sealed bytes do not hold the plaintext', () => {
    const secret = 'wh-secret-Pangolin-0042';
    const sealed = seal(keyA, 'eu', secret);
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect(open(keyA, 'eu', sealed)).toBe(secret);
    // A fresh nonce each time: the same secret never seals the same twice.
    expect(seal(keyA, 'eu', secret).equals(sealed)).toBe(false);
  });

  it('refuses another key, another source id, and any altered byte', () => {
    const sealed = seal(keyA, 'eu', 'x');
    expect(() => open(keyB, 'eu', sealed)).toThrow(SecretBoxError);
    expect(() => open(keyA, 'us', sealed)).toThrow(/does not open/);
    for (const at of [0, 5, 20, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[at]! ^= 1;
      expect(() => open(keyA, 'eu', altered)).toThrow(SecretBoxError);
    }
  });

  it('opens with whichever key of the ring sealed the row, and names both when neither did', () => {
    const ring = { current: keyB, previous: keyA };
    expect(openWithRing(ring, keyA.id, 'eu', seal(keyA, 'eu', 'old'))).toBe('old');
    expect(openWithRing(ring, keyB.id, 'eu', seal(keyB, 'eu', 'new'))).toBe('new');
    expect(() => openWithRing({ current: keyB }, keyA.id, 'eu', seal(keyA, 'eu', 'old'))).toThrow(
      new RegExp(`sealed under key ${keyA.id}, which is neither managedSources.key \\(${keyB.id}\\)`),
    );
  });

  it('takes only 32-byte keys, and says how to make one', () => {
    expect(() => parseSealingKey('correct horse battery staple')).toThrow(/openssl rand -base64 32/);
    expect(() => parseSealingKey(randomBytes(16).toString('base64'))).toThrow(SecretBoxError);
    expect(parseSealingKey(` ${randomBytes(32).toString('base64')}\n`).id).toMatch(/^[0-9a-f]{16}$/);
  });
});
