import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { type Lookup, plainAddress } from '../check/network.ts';

/*
 * A managed source's host is vetted when it is saved and checked, but a name can resolve to
 * something else a minute later (DNS rebinding): to 169.254.169.254, or to the operator's
 * private network. So every connection the bridge opens to a managed source resolves the name
 * itself, refuses the addresses the URL rules refuse, and connects to exactly the address it
 * vetted (no second lookup between the check and the connect).
 */

/** How connections to one managed source resolve names and which addresses they refuse. */
export interface ConnectGuard {
  lookup: Lookup;
  /** Why this address may not be reached, or undefined when it may. */
  refuse: (address: string) => string | undefined;
}

/** The error a refused connection fails with (its message names the host and the address). */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
  readonly code = 'EREFUSED';
}

/** net.connect's `lookup` option: the guard's resolver, failing when any address is refused. */
export function guardedLookup(guard: ConnectGuard): LookupFunction {
  return (hostname, options, callback) => {
    guard
      .lookup(hostname)
      .then((answers) => {
        for (const a of answers) {
          const refusal = guard.refuse(a.address);
          if (refusal) throw new AddressRefused(`${hostname} resolves to ${refusal}`);
        }
        const wanted = answers.filter((a) => !options.family || a.family === options.family);
        if (wanted.length === 0) {
          throw Object.assign(new Error(`${hostname} resolves to no usable address`), { code: 'ENOTFOUND' });
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

/**
 * undici's connector for a managed source: an IP literal is vetted as it is, a name through
 * {@link guardedLookup}; a refused address fails the connection before any packet is sent.
 */
export function guardedConnector(
  guard: ConnectGuard,
  tls: buildConnector.BuildOptions,
): buildConnector.connector {
  const direct = buildConnector(tls);
  const resolving = buildConnector({ ...tls, lookup: guardedLookup(guard) } as buildConnector.BuildOptions);
  return (options, callback) => {
    const host = plainAddress(options.hostname);
    if (!isIP(host)) return resolving(options, callback);
    const refusal = guard.refuse(host);
    if (!refusal) return direct(options, callback);
    queueMicrotask(() => callback(new AddressRefused(refusal), null));
  };
}
