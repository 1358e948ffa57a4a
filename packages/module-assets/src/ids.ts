/**
 * The stable identifiers other packages and the docs link to. They live apart from the content so that
 * the schemas can name them without importing the content, and so that renaming one is a visible,
 * deliberate change: each is an anchor in a published URL.
 */

/**
 * Setup guide steps, in the order the guide presents them.
 *
 * @example
 * GUIDE_STEP_IDS[0]; // 'least-privilege'
 */
export const GUIDE_STEP_IDS = [
  'least-privilege',
  'create-admin-user',
  'create-api-role',
  'generate-api-credential',
  'record-credentials',
  'find-server-ip',
  'allow-module-server-ip',
  'check-connection',
  'access-key',
  'proxies',
  'failed-login-ban',
  'rotate-credential',
] as const;

export type GuideStepId = (typeof GUIDE_STEP_IDS)[number];

/**
 * The drawn WHMCS screens; each is served as `${imageBase}/${id}.svg`.
 *
 * @example
 * MOCKUP_IDS.includes('api-role'); // true
 */
export const MOCKUP_IDS = [
  'add-admin-user',
  'api-role',
  'generate-credential',
  'credential-created',
  'security-ip-allowlist',
] as const;

export type MockupId = (typeof MOCKUP_IDS)[number];

/**
 * Every failure the WHMCS client or the bridge reports, in the order the troubleshooting page lists
 * them: first the WHMCS client's error codes, then the bridge's own checks.
 *
 * @example
 * DIAGNOSTIC_CODES.includes('ip_not_allowed'); // true
 */
export const DIAGNOSTIC_CODES = [
  // The WHMCS client's error codes.
  'ip_not_allowed',
  'ip_banned',
  'invalid_access_key',
  'invalid_credentials',
  'auth_failed',
  'permission_denied',
  'invalid_action',
  'api_error',
  'http_error',
  'timeout',
  'network',
  'invalid_response',
  'response_too_large',
  'redirected',
  'incomplete_walk',
  // The bridge's own checks.
  'config_invalid',
  'dns_failed',
  'tcp_refused',
  'tcp_timeout',
  'tls_expired',
  'tls_hostname_mismatch',
  'tls_unknown_ca',
  'tls_failed',
  'plain_http_refused',
  'not_whmcs_api',
  'waf_blocked',
  'url_points_to_admin',
  'secret_whitespace',
  'over_privileged',
  'sample_parse_failed',
  'rate_limited',
  'source_never_synced',
  // The bridge's login gate (what keeps WHMCS from banning it).
  'credential_refused',
  'login_cooldown',
  'login_in_progress',
  // What keeps the store whole: bounded deletes, one writer per source, a healthy store file.
  'mass_delete',
  'source_busy',
  'lease_lost',
  'store_full',
  'store_corrupt',
  'store_read_only',
  'schema_too_new',
  'internal_error',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** The code `diagnosticFor` answers with when it is handed a code this catalogue does not know. */
export const UNKNOWN_DIAGNOSTIC_CODE = 'unknown';

/**
 * The bridge configuration the guide and the diagnostics tell readers to edit: the environment
 * variable naming the JSON configuration file, and the keys of one WHMCS source in it, written the way
 * the bridge names a bad key in its errors. The bridge's configuration schema must keep these names.
 *
 * @example
 * BRIDGE_CONFIG.secret; // 'sources[].credentials.secret'
 */
export const BRIDGE_CONFIG = {
  fileEnv: 'BRIDGE_CONFIG',
  url: 'sources[].url',
  identifier: 'sources[].credentials.identifier',
  secret: 'sources[].credentials.secret',
  accessKey: 'sources[].accessKey',
  caFile: 'sources[].tls.caFile',
  pageSize: 'sources[].pageSize',
  timeout: 'sources[].timeoutMs',
  concurrency: 'sources[].concurrency',
  syncEvery: 'sources[].sync.incrementalEvery',
} as const;
