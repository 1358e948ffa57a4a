import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { BridgeConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { ManagedSources } from '../sources/managed-sources.ts';
import { parseSealingKey, SecretBoxError } from '../sources/secret-box.ts';
import { lockDataDir, openSqliteStore } from '../store/index.ts';

/*
 * `forecaster-bridge rotate-sources-key`: re-seals every managed source's secrets under a new
 * key in one transaction. Run with the bridge stopped (it takes the data directory's lock);
 * then set managedSources.key to the new key and previousKey to the old one, and start it. A
 * crash mid-way commits nothing: every secret stays under the old key, and with both keys
 * configured every secret opens either way.
 */

export interface RotateOptions {
  newKeyEnv?: string;
  newKeyFile?: string;
  env?: NodeJS.ProcessEnv;
}

export async function rotateSourcesKey(cfg: BridgeConfig, options: RotateOptions) {
  const env = options.env ?? process.env;
  let text: string | undefined;
  if (options.newKeyEnv) {
    text = env[options.newKeyEnv];
    if (!text) throw new ConfigError('--new-key-env', `environment variable ${options.newKeyEnv} is not set`);
  } else if (options.newKeyFile) {
    try {
      text = readFileSync(options.newKeyFile, 'utf8');
    } catch {
      throw new ConfigError('--new-key-file', `cannot read ${options.newKeyFile}`);
    }
  } else {
    throw new ConfigError('', 'give the new key with --new-key-env NAME or --new-key-file PATH');
  }
  let next: ReturnType<typeof parseSealingKey>;
  try {
    next = parseSealingKey(text, 'the new key');
  } catch (err) {
    if (err instanceof SecretBoxError)
      throw new ConfigError(options.newKeyEnv ? '--new-key-env' : '--new-key-file', err.message);
    throw err;
  }
  if (!cfg.managedSources?.ring) {
    throw new ConfigError(
      'managedSources.key',
      'no current key is configured: there is nothing to rotate from',
    );
  }
  const lock = lockDataDir(cfg.dataDir, { purpose: 'rotate-sources-key' });
  const store = openSqliteStore({ path: join(cfg.dataDir, 'bridge.sqlite') });
  try {
    const managed = new ManagedSources({ config: cfg, store, logger: createLogger({ level: 'silent' }) });
    const count = await managed.rotate(next, 'cli:rotate-sources-key');
    return { count, from: cfg.managedSources.ring.current.id, to: next.id };
  } finally {
    await store.close();
    lock.release();
  }
}
