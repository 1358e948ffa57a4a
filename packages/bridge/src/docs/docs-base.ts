import type { BridgeConfig } from '../config.ts';

/** Where the bridge serves its own troubleshooting and setup-guide pages. */
export const DOCS_PATH = '/docs';

/**
 * The base of every documentation link the bridge gives: the configured `docsBaseUrl` (a
 * published copy of the docs site), or else the pages this bridge serves itself under
 * `/docs`: at the address the request reached (`origin`), or at the listen address.
 *
 * @example
 * docsBase({ listen: { host: '0.0.0.0', port: 8787 } }); // 'http://127.0.0.1:8787/docs'
 */
export function docsBase(config: Pick<BridgeConfig, 'docsBaseUrl' | 'listen'>, origin?: string): string {
  if (config.docsBaseUrl) return config.docsBaseUrl;
  if (origin) return `${origin}${DOCS_PATH}`;
  const { host, port } = config.listen;
  // A wildcard address is not one to browse to; this host is.
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  const authority = reachable.includes(':') ? `[${reachable}]` : reachable;
  return `http://${authority}:${port}${DOCS_PATH}`;
}
