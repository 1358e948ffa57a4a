import { diagnosticFor, docsLink, isDiagnosticCode } from '@forecaster/module-assets';
import { resolveApiUrl } from '@forecaster/whmcs-client';
import { CLI_NAME } from './cli/name.ts';

/** What is known of the failure beyond its code: the source, and WHMCS's HTTP status. */
export interface FailureContext {
  source?: { id: string; url: string };
  status?: number;
}

/**
 * The diagnostic code of a failure, the one `forecaster-bridge check` reports: an HTTP error
 * page says more by its status (403: a firewall; 429: a rate limit; 5xx: PHP or a gateway at
 * the right address; anything else, such as a 404 or an HTML page: not WHMCS's API at all).
 */
export function diagnosticCode(code: string, status?: number): string {
  if (code !== 'http_error') return code;
  if (status === 403) return 'waf_blocked';
  if (status === 429) return 'rate_limited';
  if (status !== undefined && status >= 500) return 'http_error';
  return 'not_whmcs_api';
}

/** WHMCS's example address in the catalogue's fixes, replaced by the configured one. */
const EXAMPLE_ENDPOINT = 'https://billing.example.com/includes/api.php';

/**
 * What a failure means for a person: a one-line hint and the troubleshooting link. The same
 * diagnosis `forecaster-bridge check`, `forecaster-bridge sync`, the API and the logs show.
 */
export function diagnose(
  code: string,
  docsBaseUrl: string,
  context: FailureContext = {},
): { hint: string; docsUrl: string } {
  const specific = diagnosticCode(code, context.status);
  const entry = diagnosticFor(specific);
  let first = entry.fix[0] ?? '';
  if (context.source) {
    first = first
      .replace(`${EXAMPLE_ENDPOINT}\`, with your WHMCS address`, `${endpointOf(context.source.url)}\``)
      .replace(EXAMPLE_ENDPOINT, endpointOf(context.source.url));
  }
  const check = context.source ? `${CLI_NAME} check --source ${context.source.id}` : `${CLI_NAME} check`;
  const named = `\`${CLI_NAME} check\``;
  const next = first.includes(named) ? '' : `Run \`${check}\` to test each stage with at most one login.`;
  first = first.replace(named, `\`${check}\``);
  const hint = [entry.title, first, next].filter(Boolean).join('. ').replace(/\.\./g, '.');
  return {
    hint,
    docsUrl: docsLink(isDiagnosticCode(specific) ? specific : entry.code, docsBaseUrl),
  };
}

function endpointOf(url: string): string {
  try {
    return resolveApiUrl(url).href;
  } catch {
    return url;
  }
}
