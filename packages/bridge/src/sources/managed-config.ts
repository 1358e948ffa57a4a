import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../config/errors.ts';
import type { SecretRef } from '../config.ts';
import { type KeyRing, parseSealingKey, SecretBoxError } from './secret-box.ts';

/*
 * `managedSources` in the configuration: the key that seals the secrets of sources created
 * through the API (and the previous one during a rotation), and the private networks such a
 * source may point at. Without a key, the API refuses to create managed sources.
 */

/** Where a key was read from, for `config print`: never the key itself. */
export type KeySourceView = { env: string } | { file: string } | 'inline (***)';

export interface ManagedSourcesConfig {
  /** null: no key configured; managed sources are refused (and existing ones not synced). */
  ring: KeyRing | null;
  /** Where `key` and `previousKey` came from (set by loadConfig). */
  keySources?: { key: KeySourceView; previousKey?: KeySourceView };
  /** CIDRs of private networks a managed source may point at, e.g. `10.0.0.0/8`, `127.0.0.0/8`. */
  allowPrivateNetworks: string[];
}

export interface ManagedSourcesInput {
  key?: SecretRef | undefined;
  previousKey?: SecretRef | undefined;
  allowPrivateNetworks?: string[] | undefined;
}

/** Resolves `managedSources` (secrets read with the configuration's reader). */
export function resolveManagedSources(
  input: ManagedSourcesInput | undefined,
  readSecret: (ref: SecretRef, key: string) => string,
): ManagedSourcesConfig {
  const allowPrivateNetworks = input?.allowPrivateNetworks ?? [];
  allowPrivateNetworks.forEach((cidr, i) => {
    if (!parseCidr(cidr)) {
      throw new ConfigError(
        `managedSources.allowPrivateNetworks[${i}]`,
        `"${cidr}" is not a network like 10.0.0.0/8 or fd00::/8`,
      );
    }
  });
  if (!input?.key) return { ring: null, allowPrivateNetworks };
  const key = (ref: SecretRef, name: string) => {
    try {
      return parseSealingKey(readSecret(ref, `managedSources.${name}`), `managedSources.${name}`);
    } catch (err) {
      if (err instanceof SecretBoxError)
        throw new ConfigError(`managedSources.${name}`, err.message.replace(/^managedSources\.\w+ /, ''));
      throw err;
    }
  };
  const current = key(input.key, 'key');
  const previous = input.previousKey ? key(input.previousKey, 'previousKey') : undefined;
  const from = (ref: SecretRef): KeySourceView =>
    typeof ref === 'string' ? 'inline (***)' : 'env' in ref ? { env: ref.env } : { file: ref.file };
  return {
    ring: { current, ...(previous ? { previous } : {}) },
    keySources: {
      key: from(input.key),
      ...(input.previousKey ? { previousKey: from(input.previousKey) } : {}),
    },
    allowPrivateNetworks,
  };
}

/** `10.0.0.0/8` as a network and prefix; undefined when it is not one. */
export function parseCidr(
  cidr: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  const family = isIP(m[1]!);
  const prefix = Number(m[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  return { network: m[1]!, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/** A BlockList of these CIDRs (node:net matches addresses against it). */
export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.network, parsed.prefix, parsed.family);
  }
  return list;
}
