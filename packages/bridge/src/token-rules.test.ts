import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/harness.ts';
import { type BridgeConfigFile, ConfigError, loadConfig, sha256 } from './config.ts';
import { MIN_TOKEN_LENGTH } from './token-rules.ts';

/*
 * Issue 10 item 8: a 1-character token was accepted and a 2-character one found by brute force
 * in 0.6 s. Every token given as a value must be long; the SHA-256 form is taken as it is.
 */

const LONG = 'tok-Long-Enough-For-The-Bridge-0001';
const LONG2 = 'tok-Long-Enough-For-The-Bridge-0002';

function load(file: unknown, env: NodeJS.ProcessEnv = {}) {
  return loadConfig({ fallback: file as BridgeConfigFile, env });
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('API token rules', () => {
  it('refuses a token shorter than 32 characters wherever it comes from, naming where', () => {
    expect(MIN_TOKEN_LENGTH).toBe(32);
    const short = 'x'.repeat(31);
    const dir = tempDir();
    writeFileSync(join(dir, 'tok'), `${short}\n`);
    writeFileSync(join(dir, 'tokens'), `${LONG}\n${short}\n`);
    const cases: Array<[string, () => unknown]> = [
      ['tokens[0].token', () => load({ tokens: [{ name: 'a', token: 'abc' }] })],
      ['tokens[0].token', () => load({ tokens: [{ name: 'a', token: 'a' }] })],
      ['tokens[0].token', () => load({ tokens: [{ name: 'a', token: { env: 'T' } }] }, { T: short })],
      ['tokens[0].token', () => load({ tokens: [{ name: 'a', token: { file: join(dir, 'tok') } }] })],
      ['BRIDGE_TOKEN', () => load({}, { BRIDGE_TOKEN: short })],
      ['BRIDGE_TOKENS_FILE', () => load({}, { BRIDGE_TOKENS_FILE: join(dir, 'tokens') })],
    ];
    for (const [key, fn] of cases) {
      const err = failure(fn);
      expect(err.key, key).toBe(key);
      expect(err.message).toMatch(/at least 32 characters/);
      expect(err.message).toMatch(/openssl rand/);
      expect(err.message).not.toContain(short);
    }
  });

  it('accepts 32 characters, and the SHA-256 form of any token', () => {
    const exact = 'y'.repeat(32);
    const config = load(
      {
        tokens: [
          { name: 'a', token: { env: 'T' } },
          { name: 'b', sha256: sha256('short').toString('hex') },
        ],
      },
      { T: exact },
    );
    expect(config.tokens.map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('refuses the same token twice (by value or hash, under any name) and two tokens of one name', () => {
    const twice = failure(() =>
      load(
        {
          tokens: [
            { name: 'a', token: { env: 'T' } },
            { name: 'b', sha256: sha256(LONG).toString('hex') },
          ],
        },
        { T: LONG },
      ),
    );
    expect(twice.key).toBe('tokens[1]');
    expect(twice.message).toMatch(/same token as tokens\[0\] \("a"\)/);
    const viaEnv = failure(() =>
      load({ tokens: [{ name: 'a', token: { env: 'T' } }] }, { T: LONG, BRIDGE_TOKEN: LONG }),
    );
    expect(viaEnv.key).toBe('BRIDGE_TOKEN');
    const named = failure(() =>
      load(
        {
          tokens: [
            { name: 'a', token: { env: 'T' } },
            { name: 'a', token: { env: 'U' } },
          ],
        },
        { T: LONG, U: LONG2 },
      ),
    );
    expect(named.key).toBe('tokens[1].name');
    expect(named.message).toMatch(/duplicate token name "a"/);
  });
});
