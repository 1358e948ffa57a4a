import type { IncomingMessage } from 'node:http';
import { normalizeIp } from '@forecaster/whmcs-client/wire';

/**
 * The caller's address, as WHMCS's Trusted Proxies setting resolves it: the socket's peer, or,
 * when that peer is a trusted proxy, the right-most address of X-Forwarded-For that is not one.
 * A caller cannot spoof its address by sending X-Forwarded-For itself: only what trusted proxies
 * appended is read.
 */
export function callerIp(
  incoming: IncomingMessage | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string {
  const peer = normalizeIp(incoming?.socket?.remoteAddress ?? '');
  if (trustedProxies.length === 0 || !trustedProxies.includes(peer) || !forwardedFor) return peer;
  const hops = forwardedFor
    .split(',')
    .map(normalizeIp)
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.includes(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peer;
}
