import type { ManagedSourcesConfig } from '../sources/managed-config.ts';
import { redactedStore } from './store.ts';
import type { BridgeConfig } from './types.ts';

/** The effective configuration for `forecaster-bridge config print`: every secret replaced by `***`. */
export function redactedConfig(config: BridgeConfig): Record<string, unknown> {
  return {
    origin: config.origin,
    listen: config.listen,
    dataDir: config.dataDir,
    store: redactedStore(config.store),
    tokens: config.tokens.map((t) => ({
      name: t.name,
      sha256: '***',
      ...(t.scopes ? { scopes: t.scopes } : {}),
    })),
    cors: config.cors,
    rateLimit: config.rateLimit,
    log: config.log,
    docsBaseUrl: config.docsBaseUrl,
    sources: config.sources.map((s) => ({
      id: s.id,
      name: s.name,
      url: s.url,
      credentials:
        'identifier' in s.credentials
          ? { identifier: s.credentials.identifier, secret: '***' }
          : { username: s.credentials.username, password: '***' },
      ...(s.accessKey ? { accessKey: '***' } : {}),
      timeZone: s.timeZone,
      pageSize: s.pageSize,
      concurrency: s.concurrency,
      timeoutMs: s.timeoutMs,
      ...(s.maxResponseBytes ? { maxResponseBytes: s.maxResponseBytes } : {}),
      sync: s.sync,
      tls: s.tls.caFile ? { caFile: s.tls.caFile } : {},
      allowInsecureHttp: s.allowInsecureHttp,
    })),
    ...(config.managedSources ? { managedSources: redactedManaged(config.managedSources) } : {}),
    ...(config.facade && config.facade.credentials.length > 0
      ? {
          facade: {
            credentials: config.facade.credentials.map((c) => ({
              identifier: c.identifier,
              secretSha256: '***',
              ...(c.sources ? { sources: c.sources } : {}),
            })),
            allowlist: config.facade.allowlist,
            trustedProxies: config.facade.trustedProxies,
            ban: config.facade.ban,
          },
        }
      : {}),
  };
}

/**
 * `managedSources` as `config print` shows it: where each key is read from and its id (a hash
 * that names it in the store's rows, to follow a rotation), never the key.
 */
function redactedManaged(managed: ManagedSourcesConfig): Record<string, unknown> {
  const { ring, keySources } = managed;
  return {
    key: ring ? { from: keySources?.key ?? '***', id: ring.current.id } : null,
    ...(ring?.previous
      ? { previousKey: { from: keySources?.previousKey ?? '***', id: ring.previous.id } }
      : {}),
    allowPrivateNetworks: managed.allowPrivateNetworks,
  };
}
