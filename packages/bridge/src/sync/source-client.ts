import { type CallEvent, createWhmcsClient, type WhmcsClient } from '@forecaster/whmcs-client';
import { Agent, fetch as undiciFetch } from 'undici';
import type { SourceConfig } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { guardedConnector } from '../sources/connect-guard.ts';
import { VERSION } from '../version.ts';

/** What WHMCS's logs show: the product and its version (no web address: the product has none). */
export const USER_AGENT = `ForecasterBridge/${VERSION}`;

/**
 * The fetch a source uses: undici's, with an agent that verifies certificates against the
 * platform's CAs or, with `tls.caFile`, that CA. Verification is never turned off: the agent
 * says so explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment (which the
 * platform's fetch obeys) cannot turn it off either.
 */
export function fetchFor(source: Pick<SourceConfig, 'tls' | 'connectGuard'>): typeof globalThis.fetch {
  const tls = { rejectUnauthorized: true, ...(source.tls.ca ? { ca: source.tls.ca } : {}) };
  // A managed source: every connection vets the address it connects to (DNS rebinding).
  const dispatcher = new Agent({
    connect: source.connectGuard ? guardedConnector(source.connectGuard, tls) : tls,
  });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
}

/** A WHMCS client for a configured source, reporting every call to the metrics. */
export function clientForSource(
  source: SourceConfig,
  metrics?: Metrics,
  onCall?: (event: CallEvent) => void,
): WhmcsClient {
  return createWhmcsClient({
    url: source.url,
    credentials: source.credentials,
    ...(source.accessKey ? { accessKey: source.accessKey } : {}),
    timeoutMs: source.timeoutMs,
    ...(source.maxResponseBytes ? { maxResponseBytes: source.maxResponseBytes } : {}),
    fetch: fetchFor(source),
    userAgent: USER_AGENT,
    onCall: (event) => {
      metrics?.whmcsCalls.inc({
        source: source.id,
        action: event.action,
        outcome: event.error?.code ?? 'ok',
      });
      metrics?.whmcsLatency.observe({ source: source.id, action: event.action }, event.durationMs / 1000);
      onCall?.(event);
    },
  });
}
