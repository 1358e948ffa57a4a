import { describe, expect, it } from 'vitest';
import { describeSeenIp, outgoingAddresses, plainAddress, resolveHost, tlsCodeFor } from './network.ts';

describe('tlsCodeFor', () => {
  it.each([
    ['CERT_HAS_EXPIRED', 'tls_expired'],
    ['CERT_NOT_YET_VALID', 'tls_expired'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_hostname_mismatch'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_unknown_ca'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_unknown_ca'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls_unknown_ca'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_unknown_ca'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_failed'],
    [undefined, 'tls_failed'],
  ])('maps %s to %s', (error, code) => {
    expect(tlsCodeFor(error)).toBe(code);
  });
});

describe('resolveHost', () => {
  const never = async () => {
    throw new Error('no query expected');
  };

  it('passes IP literals and localhost without a query', async () => {
    expect(await resolveHost('[::1]', never, 100)).toMatchObject({ ok: true, addresses: ['::1'] });
    expect(await resolveHost('203.0.113.5', never, 100)).toMatchObject({
      ok: true,
      addresses: ['203.0.113.5'],
    });
    expect(await resolveHost('localhost', never, 100)).toMatchObject({
      ok: true,
      addresses: ['127.0.0.1', '::1'],
    });
  });

  it('reports every address, without duplicates', async () => {
    const result = await resolveHost(
      'billing.example.test',
      async () => [
        { address: '2001:db8::5', family: 6 },
        { address: '203.0.113.5', family: 4 },
        { address: '203.0.113.5', family: 4 },
      ],
      100,
    );
    expect(result).toEqual({
      ok: true,
      addresses: ['2001:db8::5', '203.0.113.5'],
      detail: 'billing.example.test resolves to 2001:db8::5, 203.0.113.5.',
    });
  });

  it('fails dns_failed on an error, no address, or a resolver that hangs', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    expect(
      await resolveHost(
        'a.test',
        async () => {
          throw notFound;
        },
        100,
      ),
    ).toEqual({ ok: false, code: 'dns_failed', detail: 'a.test does not resolve (ENOTFOUND).' });
    expect(await resolveHost('b.test', async () => [], 100)).toMatchObject({ ok: false, code: 'dns_failed' });
    expect(await resolveHost('c.test', () => new Promise(() => {}), 50)).toEqual({
      ok: false,
      code: 'dns_failed',
      detail: 'c.test did not resolve within 50 ms.',
    });
  });
});

describe('describeSeenIp', () => {
  it('names the address to allow', () => {
    expect(describeSeenIp('203.0.113.9', '203.0.113.9', ['203.0.113.9'])).toBe(
      'WHMCS saw 203.0.113.9: that is the address to allow.',
    );
  });

  it('notes an IPv4/IPv6 mismatch when WHMCS saw the other family than the connection used', () => {
    const text = describeSeenIp('2001:db8::7', '203.0.113.9', ['203.0.113.9', '2001:db8::7']);
    expect(text).toMatch(/reached WHMCS from 203\.0\.113\.9 \(IPv4\).*WHMCS saw an IPv6 address/);
    expect(text).not.toMatch(/not one of this host/);
  });

  it('notes this host’s addresses of the other family', () => {
    expect(describeSeenIp('203.0.113.9', '203.0.113.9', ['203.0.113.9', '2001:db8::7'])).toMatch(
      /also has IPv6 addresses \(2001:db8::7\)/,
    );
  });

  it('notes an address this host does not have: a NAT or proxy in between', () => {
    expect(describeSeenIp('198.51.100.1', '10.0.0.5', ['10.0.0.5'])).toMatch(
      /198\.51\.100\.1 is not one of this host’s addresses \(10\.0\.0\.5\).*Trusted Proxies/,
    );
  });
});

describe('addresses', () => {
  it('unwraps brackets and IPv4-mapped IPv6', () => {
    expect(plainAddress('[::1]')).toBe('::1');
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('puts the TCP local address first and leaves out loopback and link-local interfaces', () => {
    const list = outgoingAddresses('::ffff:192.0.2.44');
    expect(list[0]).toBe('192.0.2.44');
    expect(list).not.toContain('::1');
    expect(list.some((a) => /^fe80:/i.test(a))).toBe(false);
    expect(new Set(list).size).toBe(list.length);
  });
});
