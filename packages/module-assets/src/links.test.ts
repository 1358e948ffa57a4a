import { describe, expect, it } from 'vitest';
import { docsLink, guideLink } from './links.ts';

describe('docsLink', () => {
  it('points at the troubleshooting section named by the code', () => {
    expect(docsLink('ip_not_allowed', 'http://127.0.0.1:8787/docs')).toBe(
      'http://127.0.0.1:8787/docs/troubleshooting#ip_not_allowed',
    );
    expect(docsLink('tls_expired', 'http://localhost:5173')).toBe(
      'http://localhost:5173/troubleshooting#tls_expired',
    );
  });

  it('does not double the slash when the base ends with one', () => {
    expect(docsLink('unknown', 'https://docs.example.com/bridge/')).toBe(
      'https://docs.example.com/bridge/troubleshooting#unknown',
    );
  });
});

describe('guideLink', () => {
  it('points at the setup guide section named by the step id', () => {
    expect(guideLink('create-api-role', 'http://127.0.0.1:8787/docs')).toBe(
      'http://127.0.0.1:8787/docs/setup-guide#create-api-role',
    );
    expect(guideLink('proxies', 'https://docs.example.com/')).toBe(
      'https://docs.example.com/setup-guide#proxies',
    );
  });
});
