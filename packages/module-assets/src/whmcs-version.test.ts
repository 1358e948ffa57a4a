import { describe, expect, it } from 'vitest';
import { compareWhmcsVersions, newestWhmcsVersion } from './whmcs-version.ts';

describe('compareWhmcsVersions', () => {
  it('compares numerically, not as text', () => {
    expect(compareWhmcsVersions('8.10', '8.9')).toBe(1);
    expect(compareWhmcsVersions('7.4', '7.7')).toBe(-1);
    expect(compareWhmcsVersions('8.9.0', '8.9')).toBe(0);
  });
});

describe('newestWhmcsVersion', () => {
  it('picks the newest', () => {
    expect(newestWhmcsVersion(['7.2', '7.10', '7.4'])).toBe('7.10');
    expect(newestWhmcsVersion([])).toBeUndefined();
  });
});
