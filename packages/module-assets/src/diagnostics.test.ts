import { describe, expect, it } from 'vitest';
import { diagnosticFor, diagnostics, isDiagnosticCode, unknownDiagnostic } from './diagnostics.ts';
import { DIAGNOSTIC_CODES, GUIDE_STEP_IDS } from './ids.ts';
import { diagnosticSchema, diagnosticsSchema } from './schemas.ts';

// Written out rather than imported, so that dropping a code from DIAGNOSTIC_CODES fails here.
const WHMCS_CLIENT_CODES = [
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
];
const BRIDGE_CODES = [
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
  'credential_refused',
  'login_cooldown',
  'login_in_progress',
  'mass_delete',
  'source_busy',
  'lease_lost',
  'store_full',
  'store_corrupt',
  'store_read_only',
  'schema_too_new',
  'internal_error',
];

describe('DIAGNOSTIC_CODES', () => {
  it('covers every WHMCS client code and every bridge code, once each', () => {
    expect([...DIAGNOSTIC_CODES].sort()).toEqual([...WHMCS_CLIENT_CODES, ...BRIDGE_CODES].sort());
    expect(new Set(DIAGNOSTIC_CODES).size).toBe(DIAGNOSTIC_CODES.length);
  });
});

describe('diagnostics', () => {
  it('is valid against its schema, one entry per code in order', () => {
    expect(diagnosticsSchema.safeParse(diagnostics).success).toBe(true);
    expect(diagnostics.map((entry) => entry.code)).toEqual([...DIAGNOSTIC_CODES]);
  });

  it('anchors each entry at its own code', () => {
    for (const entry of diagnostics) expect(entry.docsAnchor).toBe(entry.code);
  });

  it('refuses an entry whose anchor differs from its code', () => {
    const wrong = { ...diagnostics[0]!, docsAnchor: 'somewhere-else' };
    expect(diagnosticSchema.safeParse(wrong).success).toBe(false);
  });

  it('refuses a guide step that does not exist', () => {
    const wrong = { ...diagnostics[0]!, guideStep: 'no-such-step' };
    expect(diagnosticSchema.safeParse(wrong).success).toBe(false);
  });

  it('links every entry to a guide step that exists', () => {
    for (const entry of [...diagnostics, unknownDiagnostic])
      expect(GUIDE_STEP_IDS).toContain(entry.guideStep);
  });

  it('sends each failure to the step that sets up what failed', () => {
    expect(diagnosticFor('ip_not_allowed').guideStep).toBe('allow-module-server-ip');
    expect(diagnosticFor('ip_banned').guideStep).toBe('failed-login-ban');
    expect(diagnosticFor('invalid_access_key').guideStep).toBe('access-key');
    expect(diagnosticFor('auth_failed').guideStep).toBe('record-credentials');
    expect(diagnosticFor('permission_denied').guideStep).toBe('create-api-role');
    expect(diagnosticFor('over_privileged').guideStep).toBe('create-api-role');
    expect(diagnosticFor('waf_blocked').guideStep).toBe('proxies');
  });

  it('marks only the failures the bridge can work through as warnings', () => {
    const warnings = diagnostics.filter((entry) => entry.severity === 'warning').map((entry) => entry.code);
    // source_busy and lease_lost: another bridge process carries the sync on; nothing is lost.
    expect(warnings.sort()).toEqual(['lease_lost', 'over_privileged', 'source_busy', 'source_never_synced']);
  });

  it('says what a reader needs for the tricky ones', () => {
    const all = (code: string) => {
      const entry = diagnosticFor(code);
      return [entry.meaning, ...entry.fix].join('\n');
    };
    expect(all('ip_not_allowed')).toMatch(/IPv6/);
    expect(all('ip_not_allowed')).toMatch(/IPv4/);
    expect(all('ip_not_allowed')).toMatch(/Trusted Proxies/);
    expect(all('ip_not_allowed')).toMatch(/address WHMCS saw/);
    expect(all('auth_failed')).toMatch(/spaces/);
    expect(all('invalid_credentials')).toMatch(/Invalid or missing credentials/);
    expect(all('permission_denied')).toMatch(/GetInvoices/);
    expect(all('not_whmcs_api')).toMatch(/admin area/);
    expect(all('http_error')).toMatch(/not a WHMCS answer/);
    expect(all('ip_banned')).toMatch(/30 minutes/);
    expect(all('secret_whitespace')).toMatch(/leading|start or end/);
  });
});

describe('diagnosticFor', () => {
  it('finds each known code', () => {
    for (const code of DIAGNOSTIC_CODES) expect(diagnosticFor(code).code).toBe(code);
  });

  it('answers an unknown code with the generic entry, naming the code', () => {
    const entry = diagnosticFor('quota_exceeded');
    expect(entry.code).toBe('unknown');
    expect(entry.docsAnchor).toBe('unknown');
    expect(entry.meaning).toContain('`quota_exceeded`');
    expect(diagnosticSchema.safeParse(entry).success).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    for (const code of [
      '',
      'constructor',
      '__proto__',
      'toString',
      '<script>',
      '{{ x }}',
      'a'.repeat(10_000),
    ]) {
      const entry = diagnosticFor(code);
      expect(entry.code).toBe('unknown');
      expect(diagnosticSchema.safeParse(entry).success).toBe(true);
    }
    expect(diagnosticFor(undefined as unknown as string).code).toBe('unknown');
  });
});

describe('isDiagnosticCode', () => {
  it('accepts catalogue codes only', () => {
    expect(isDiagnosticCode('tls_expired')).toBe(true);
    expect(isDiagnosticCode('unknown')).toBe(false);
    expect(isDiagnosticCode('TLS_EXPIRED')).toBe(false);
  });
});
