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
    const { hint, docsUrl } = diagnose('internal_error');
    expect(hint.length).toBeGreaterThan(0);
    expect(docsUrl).toMatch(/troubleshooting#unknown$/);
  });
});
