import { BlockList, isIP } from 'node:net';
import { resolveApiUrl } from '@forecaster/whmcs-client';
import { type Lookup, plainAddress, systemLookup } from '../check/network.ts';
import { isLoopback } from '../config.ts';

/*
 * A URL given through the API is a request the bridge will make on someone's behalf (and send
 * a WHMCS secret to): it must not reach the cloud's metadata service, link-local or other
 * special addresses, nor the operator's private networks unless the configuration lists them.
 * https only; plain http only to this machine (loopback) with the explicit opt-in a file source
 * needs too (`allowInsecureHttp`). Redirects are never followed (the client refuses them).
 */

/** Never reachable through a managed source, whatever the configuration says. */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['169.254.0.0', 16], // link-local, including 169.254.169.254 (AWS, GCP, Azure metadata)
  ['100.100.100.200', 32], // Alibaba Cloud metadata
  ['192.0.0.0', 24], // IETF protocol assignments
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['fe80::', 10], // link-local
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
  ['ff00::', 8], // multicast
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');

/** Private and local ranges: reachable only where `managedSources.allowPrivateNetworks` lists them. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback: the bridge's own API lives there
  ['198.18.0.0', 15], // benchmarking
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::1', 128],
  ['fc00::', 7], // unique local
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

export type UrlVerdict =
  | { ok: true; url: URL; addresses: string[] }
  | { ok: false; unresolved?: boolean; message: string };

export interface UrlPolicy {
  /** `managedSources.allowPrivateNetworks` as a list. */
  allowPrivate: BlockList;
  lookup?: Lookup;
}

/** Why this address may not be reached, or undefined when it may. */
export function addressRefusal(address: string, allowPrivate: BlockList): string | undefined {
  const ip = plainAddress(address);
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (FORBIDDEN.check(ip, family)) {
    return `${ip} is a link-local, metadata or reserved address: a managed source may never point there`;
  }
  if (PRIVATE.check(ip, family) && !allowPrivate.check(ip, family)) {
    return `${ip} is in a private or loopback range that managedSources.allowPrivateNetworks does not list`;
  }
  return undefined;
}

/**
 * Vets a managed source's URL and the addresses its host resolves to now.
 *
 * @example await vetManagedUrl('https://billing.example.com/', false, { allowPrivate: new BlockList() })
 */
export async function vetManagedUrl(
  raw: string,
  allowInsecureHttp: boolean,
  policy: UrlPolicy,
): Promise<UrlVerdict> {
  let url: URL;
  try {
    url = resolveApiUrl(raw);
  } catch (err) {
    return { ok: false, message: (err as Error).message.replace(/^url: /, '') };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message: 'the URL must not carry a user name or password: use identifier and secret',
    };
  }
  const host = plainAddress(url.hostname);
  if (url.protocol === 'http:') {
    if (!isLoopback(host))
      return {
        ok: false,
        message: 'https:// only: plain http:// is allowed only to this machine (loopback)',
      };
    if (!allowInsecureHttp) {
      return {
        ok: false,
        message: 'plain http:// to loopback needs allowInsecureHttp: true, as in the configuration file',
      };
    }
  } else if (url.protocol !== 'https:') {
    return { ok: false, message: 'https:// only' };
  }
  if (METADATA_NAMES.has(host.toLowerCase().replace(/\.$/, ''))) {
    return {
      ok: false,
      message: `${host} is a cloud metadata service: a managed source may never point there`,
    };
  }
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await (policy.lookup ?? systemLookup)(host)).map((a) => a.address);
    } catch (err) {
      return {
        ok: false,
        unresolved: true,
        message: `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
  }
  for (const address of addresses) {
    const refusal = addressRefusal(address, policy.allowPrivate);
    if (refusal) return { ok: false, message: `${host} resolves to ${refusal}` };
  }
  return { ok: true, url, addresses };
}
