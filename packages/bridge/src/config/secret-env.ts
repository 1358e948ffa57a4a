import { ConfigError } from './errors.ts';
import { keyOf } from './issues.ts';

/** Every `{ "env": NAME }` secret reference in a parsed configuration, with its key. */
export function envReferences(
  value: unknown,
  path: PropertyKey[] = [],
): Array<{ key: string; name: string }> {
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'env' && typeof entries[0]![1] === 'string') {
    return [{ key: keyOf(path), name: entries[0]![1] }];
  }
  return Array.isArray(value)
    ? value.flatMap((item, i) => envReferences(item, [...path, i]))
    : entries.flatMap(([k, v]) => envReferences(v, [...path, k]));
}

/**
 * Fails, naming every one at once, when environment variables the configuration refers to are
 * unset: a deployment missing three should not learn of them one start at a time.
 */
export function assertEnvSecretsSet(config: unknown, env: NodeJS.ProcessEnv): void {
  const missing = envReferences(config)
    .filter(({ name }) => env[name] === undefined || env[name] === '')
    .sort((a, b) => a.key.localeCompare(b.key));
  if (missing.length === 0) return;
  if (missing.length === 1) {
    throw new ConfigError(`${missing[0]!.key}.env`, `environment variable ${missing[0]!.name} is not set`);
  }
  const list = missing.map(({ key, name }) => `${name} (${key})`).join(', ');
  throw new ConfigError('', `${missing.length} environment variables are not set: ${list}`);
}
