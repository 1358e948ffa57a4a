import { DIAGNOSTIC_CODES } from '@forecaster/module-assets';
import { WHMCS_ERROR_CODES } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.ts';

describe('diagnose', () => {
  it('the catalogue has an entry for every WhmcsError code (module-assets keeps its own copy of the list)', () => {
    for (const code of WHMCS_ERROR_CODES) expect(DIAGNOSTIC_CODES).toContain(code);
  });

  it('gives a hint and the troubleshooting anchor of the code', () => {
    const { hint, docsUrl } = diagnose('ip_not_allowed', 'https://docs.example/');
    expect(docsUrl).toBe('https://docs.example/troubleshooting#ip_not_allowed');
    expect(hint).toMatch(/allow/i);
  });

  it('an unknown code still gets a hint and a link, never an exception', () => {
    const { hint, docsUrl } = diagnose('brand_new_code', 'https://docs.example');
    expect(hint.length).toBeGreaterThan(0);
    expect(docsUrl).toMatch(/troubleshooting#unknown$/);
  });
});

describe('one diagnosis for sync and check', () => {
  const source = { id: 'eu', url: 'https://billing.acme.test/whmcs/' };

  it('an HTTP error by its status, as check reports it: a wrong path is not WHMCS’s API, not a 5xx or 403', () => {
    const wrongPath = diagnose('http_error', 'https://docs.example', { source, status: 404 });
    expect(wrongPath.docsUrl).toBe('https://docs.example/troubleshooting#not_whmcs_api');
    expect(wrongPath.hint).toMatch(/^The address is not WHMCS’s API\. /);
    expect(wrongPath.hint).not.toMatch(/5xx|403/);
    expect(diagnose('http_error', 'https://docs.example', { status: 403 }).docsUrl).toMatch(/#waf_blocked$/);
    expect(diagnose('http_error', 'https://docs.example', { status: 502 }).docsUrl).toMatch(/#http_error$/);
  });

  it('names the configured address instead of the catalogue’s example, and suggests check for the source', () => {
    const { hint } = diagnose('network', 'https://docs.example', { source });
    expect(hint).toContain('https://billing.acme.test/whmcs/includes/api.php');
    expect(hint).not.toContain('billing.example.com');
    expect(hint).toContain('`forecaster-bridge check --source eu`');
  });
});
