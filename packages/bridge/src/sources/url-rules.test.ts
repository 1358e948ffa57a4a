import { describe, expect, it } from 'vitest';
import { blockListOf } from './managed-config.ts';
import { vetManagedUrl } from './url-rules.ts';

/* The rules for a URL given through the API, with a fake resolver (no network). */

const hosts: Record<string, string[]> = {
  'billing.example.com': ['203.0.113.10'],
  'intranet.example.com': ['10.1.2.3'],
  'rebound.example.com': ['203.0.113.11', '169.254.169.254'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
};
const lookup = async (host: string) => {
  const found = hosts[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const vet = (url: string, options: { insecure?: boolean; allow?: string[] } = {}) =>
  vetManagedUrl(url, options.insecure ?? false, { allowPrivate: blockListOf(options.allow ?? []), lookup });

describe('managed source URL rules', () => {
  it.each([
    ['https://billing.example.com/', {}, null],
    ['http://billing.example.com/', { insecure: true }, /https:\/\/ only: plain http/],
    ['http://127.0.0.1:8080/', {}, /needs allowInsecureHttp: true/],
    ['http://127.0.0.1:8080/', { insecure: true }, /private or loopback range/],
    ['http://127.0.0.1:8080/', { insecure: true, allow: ['127.0.0.0/8'] }, null],
    ['https://intranet.example.com/', {}, /10\.1\.2\.3 is in a private/],
    ['https://intranet.example.com/', { allow: ['10.0.0.0/8'] }, null],
    ['https://169.254.169.254/', { allow: ['0.0.0.0/0'] }, /metadata or reserved/],
    ['https://[fe80::1]/', { allow: ['::/0'] }, /link-local/],
    ['https://rebound.example.com/', {}, /169\.254\.169\.254 is a link-local/],
    ['https://mapped.example.com/', {}, /169\.254\.169\.254 is a link-local/],
    ['https://metadata.google.internal/', {}, /cloud metadata service/],
    ['https://user:pw@billing.example.com/', {}, /must not carry a user name/],
    ['ftp://billing.example.com/', {}, /./],
    ['https://[::1]/', {}, /private or loopback/],
  ] as const)('%s %j', async (url, options, refusal) => {
    const verdict = await vet(url, options as { insecure?: boolean; allow?: string[] });
    if (refusal === null) expect(verdict).toMatchObject({ ok: true });
    else expect(verdict.ok ? 'accepted' : verdict.message).toMatch(refusal);
  });

  it('says when the host does not resolve (force may save it; the check reports it)', async () => {
    expect(await vet('https://nowhere.example.com/')).toEqual({
      ok: false,
      unresolved: true,
      message: 'nowhere.example.com does not resolve (ENOTFOUND)',
    });
  });
});
