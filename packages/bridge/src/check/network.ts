import { promises as dnsPromises } from 'node:dns';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { DiagnosticCode } from '@forecaster/module-assets';

/*
 * The checks below the API: name resolution, a TCP connection, a verified TLS handshake. Each
 * answers what it found or a diagnostic code with a sentence, never throws except on abort.
 */

/** A resolver: every address of a host name, in the order to try them. */
export type Lookup = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** The system resolver (what fetch uses too): `/etc/hosts`, then DNS, in the system's order. */
export const systemLookup: Lookup = (hostname) => dnsPromises.lookup(hostname, { all: true, verbatim: true });

export type NetworkResult<T> = (T & { ok: true }) | { ok: false; code: DiagnosticCode; detail: string };

/** `[::1]` → `::1`; `::ffff:127.0.0.1` → `127.0.0.1`. */
export function plainAddress(address: string): string {
  const host = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  return mapped ? mapped[1]! : host;
}

export function isLocalhostName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Runs `work` with a deadline; the timer never keeps the process alive. */
async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The addresses to connect to. IP literals and `localhost` need no query (localhost is loopback
 * by definition, RFC 6761); anything else goes to `lookup`.
 */
export async function resolveHost(
  hostname: string,
  lookup: Lookup,
  timeoutMs: number,
): Promise<NetworkResult<{ addresses: string[]; detail: string }>> {
  const host = plainAddress(hostname);
  if (isIP(host))
    return { ok: true, addresses: [host], detail: `${host} is an IP address: nothing to resolve.` };
  if (isLocalhostName(host)) {
    return {
      ok: true,
      addresses: ['127.0.0.1', '::1'],
      detail: `${host} is this machine (127.0.0.1, ::1): nothing to resolve.`,
    };
  }
  type Outcome = NetworkResult<{ addresses: string[]; detail: string }>;
  const query = lookup(host).then(
    (found): Outcome => {
      const addresses = [...new Set(found.map((entry) => plainAddress(entry.address)))];
      if (addresses.length === 0) {
        return { ok: false, code: 'dns_failed', detail: `${host} resolves to no address.` };
      }
      return { ok: true, addresses, detail: `${host} resolves to ${addresses.join(', ')}.` };
    },
    (err: NodeJS.ErrnoException): Outcome => ({
      ok: false,
      code: 'dns_failed',
      detail: `${host} does not resolve (${err.code ?? err.message}).`,
    }),
  );
  return withDeadline(query, timeoutMs, () => ({
    ok: false,
    code: 'dns_failed',
    detail: `${host} did not resolve within ${timeoutMs} ms.`,
  }));
}

type Attempt = { address: string } & ({ socket: Socket } | { error: string; refused: boolean });

function connectOnce(
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    const timer = setTimeout(
      () => finish({ address, error: `no answer within ${timeoutMs} ms`, refused: false }),
      timeoutMs,
    );
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(signal?.reason);
    };
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      socket.removeAllListeners('error');
    };
    const finish = (attempt: Attempt) => {
      cleanup();
      if (!('socket' in attempt)) {
        // A late error from a socket we gave up on must not crash the process.
        socket.on('error', () => {});
        socket.destroy();
      }
      resolve(attempt);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ address, socket }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({
        address,
        error: err.code ?? err.message,
        refused: err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET',
      }),
    );
  });
}

/**
 * A TCP connection to the first address that accepts one, tried in order. The socket is handed
 * back open (for the TLS stage on top of it) with its local address: this host's outgoing
 * address toward WHMCS.
 */
export async function openTcp(
  addresses: readonly string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<NetworkResult<{ socket: Socket; remoteAddress: string; localAddress: string; detail: string }>> {
  const failures: Array<{ address: string; error: string; refused: boolean }> = [];
  for (const address of addresses) {
    const attempt = await connectOnce(address, port, timeoutMs, signal);
    if ('socket' in attempt) {
      const localAddress = plainAddress(attempt.socket.localAddress ?? '');
      const tried = failures.map((f) => `${where(f.address, port)}: ${f.error}`);
      return {
        ok: true,
        socket: attempt.socket,
        remoteAddress: address,
        localAddress,
        detail: `Connected to ${where(address, port)} from ${localAddress}.${
          tried.length ? ` Before that: ${tried.join('; ')}.` : ''
        }`,
      };
    }
    failures.push(attempt);
  }
  const list = failures.map((f) => `${where(f.address, port)}: ${f.error}`).join('; ');
  const refused = failures.every((f) => f.refused);
  return {
    ok: false,
    code: refused ? 'tcp_refused' : 'tcp_timeout',
    detail: refused ? `Connection refused (${list}).` : `No connection (${list}).`,
  };
}

function where(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** How OpenSSL's verification errors map to the troubleshooting codes. */
const TLS_CODES: Readonly<Record<string, DiagnosticCode>> = {
  CERT_HAS_EXPIRED: 'tls_expired',
  CERT_NOT_YET_VALID: 'tls_expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls_hostname_mismatch',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls_unknown_ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls_unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT: 'tls_unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls_unknown_ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls_unknown_ca',
  CERT_UNTRUSTED: 'tls_unknown_ca',
};

export function tlsCodeFor(errorCode: string | undefined): DiagnosticCode {
  return (errorCode && TLS_CODES[errorCode]) || 'tls_failed';
}

/**
 * A TLS handshake over the open socket, verifying the chain (against `ca` alone when given, as
 * the WHMCS client does) and the host name. Always closes the socket.
 */
export function verifyTls(
  socket: Socket,
  options: { hostname: string; ca?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<NetworkResult<{ detail: string }>> {
  const host = plainAddress(options.hostname);
  const byIp = isIP(host) !== 0;
  return new Promise((resolve, reject) => {
    const secure: TLSSocket = tlsConnect({
      socket,
      host,
      // SNI carries names only; for an IP literal the certificate is checked against the IP.
      ...(byIp ? {} : { servername: host }),
      ...(options.ca ? { ca: options.ca } : {}),
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          code: 'tls_failed',
          detail: `No TLS handshake within ${options.timeoutMs} ms: is this port serving HTTPS?`,
        }),
      options.timeoutMs,
    );
    const onAbort = () => {
      done();
      reject(options.signal?.reason);
    };
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      secure.removeAllListeners('secureConnect');
      // A late error after we stopped listening must not crash the process.
      secure.on('error', () => {});
      secure.destroy();
      socket.destroy();
    };
    const finish = (result: NetworkResult<{ detail: string }>) => {
      done();
      resolve(result);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    secure.once('secureConnect', () => {
      const cert = secure.getPeerCertificate();
      const subject = cert.subject?.CN ?? cert.subjectaltname ?? 'an unnamed subject';
      const issuer = cert.issuer?.O ?? cert.issuer?.CN ?? 'an unnamed issuer';
      const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / 86_400_000);
      finish({
        ok: true,
        detail: `${secure.getProtocol() ?? 'TLS'}, certificate for ${subject} issued by ${issuer}${
          options.ca ? ' (the configured CA)' : ''
        }, valid until ${cert.valid_to} (${days} days).`,
      });
    });
    secure.once('error', (err: NodeJS.ErrnoException) => {
      const code = tlsCodeFor(err.code);
      finish({
        ok: false,
        code,
        detail: `The TLS handshake failed: ${err.message}${err.code ? ` (${err.code})` : ''}.`,
      });
    });
  });
}

/**
 * This host's addresses that WHMCS could see: first the TCP check's local address (the one it
 * actually left from), then every non-internal interface address. Link-local addresses are left
 * out: they never cross a router.
 */
export function outgoingAddresses(localAddress: string | undefined): string[] {
  const out: string[] = [];
  if (localAddress) out.push(plainAddress(localAddress));
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      if (entry.internal) continue;
      if (/^fe[89ab][0-9a-f]:/i.test(entry.address) || entry.address.startsWith('169.254.')) continue;
      out.push(plainAddress(entry.address));
    }
  }
  return [...new Set(out)];
}

function family(address: string): 4 | 6 | 0 {
  return isIP(address) as 4 | 6 | 0;
}

/**
 * What to say about the address WHMCS saw, compared with this host's: the usual IPv4/IPv6 trap,
 * and an address this host does not have (a proxy or NAT in between).
 */
export function describeSeenIp(
  seenIp: string,
  localAddress: string | undefined,
  outgoing: readonly string[],
): string {
  const seen = plainAddress(seenIp);
  const notes: string[] = [`WHMCS saw ${seen}: that is the address to allow.`];
  const seenFamily = family(seen);
  const local = localAddress ? plainAddress(localAddress) : undefined;
  if (local && seenFamily && family(local) && family(local) !== seenFamily) {
    notes.push(
      `This host reached WHMCS from ${local} (IPv${family(local)}) in the TCP check, but WHMCS saw an IPv${seenFamily} address: IPv4 and IPv6 are separate allowlist entries, and the host can leave over either, so allow the address WHMCS saw (and check that nothing in between translates it).`,
    );
  } else {
    const other = outgoing.filter((address) => family(address) && family(address) !== seenFamily);
    if (other.length > 0) {
      notes.push(
        `This host also has IPv${seenFamily === 4 ? 6 : 4} addresses (${other.join(', ')}): if it ever leaves over that family, WHMCS sees another address, a separate allowlist entry.`,
      );
    }
  }
  if (!outgoing.includes(seen)) {
    notes.push(
      `${seen} is not one of this host’s addresses (${outgoing.join(', ') || 'none found'}): a NAT gateway, proxy or Cloudflare stands in between. If it is a proxy in front of WHMCS, configure WHMCS’s Trusted Proxies instead of allowing it.`,
    );
  }
  return notes.join(' ');
}
