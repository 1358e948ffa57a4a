import { createHash } from 'node:crypto';
import { type DiagnosticCode, diagnosticFor, docsLink } from '@forecaster/module-assets';
import { type ServedSimulator, type ServeOptions, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config.ts';
import { checkSource } from './check-source.ts';
import { type CheckReport, type CheckStageId, checkReportSchema } from './report.ts';
import { makeCert } from './testing/certs.ts';
import {
  blackholePort,
  closedPort,
  type Running,
  serveFakeWhmcs,
  serveSilence,
  serveTlsFront,
} from './testing/servers.ts';

const DOCS = 'https://docs.example.test';
const IDENTIFIER = 'bridge-reader';
const SECRET = 'Zq8-sekret-Vx31-9fT';
const ACCESS_KEY = 'ak-Very-Secret-77';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function simulator(options: ServeOptions = {}): Promise<ServedSimulator> {
  const served = await serveWhmcsSimulator({
    invoices: 30,
    clients: 5,
    seed: 3,
    credentials: [{ identifier: IDENTIFIER, secret: SECRET, actions: ['GetInvoices'] }],
    ...options,
  });
  cleanups.push(served.close);
  return served;
}

function running<T extends Running>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

function source(url: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    id: 'eu',
    name: 'WHMCS EU',
    url,
    credentials: { identifier: IDENTIFIER, secret: SECRET },
    timeZone: 'Europe/Berlin',
    pageSize: 250,
    concurrency: 2,
    timeoutMs: 5_000,
    sync: { incrementalEvery: 300_000, fullEvery: 86_400_000 },
    tls: {},
    allowInsecureHttp: false,
    ...overrides,
  };
}

async function check(config: SourceConfig, timeoutMs?: number): Promise<CheckReport> {
  const report = await checkSource(config, { docsBaseUrl: DOCS, ...(timeoutMs ? { timeoutMs } : {}) });
  // Every report fits the schema the API serves, and never carries a secret in any form.
  expect(checkReportSchema.parse(report)).toEqual(report);
  const text = JSON.stringify(report);
  for (const secret of [SECRET, ACCESS_KEY, 'admin-password', encodeURIComponent(SECRET)]) {
    expect(text).not.toContain(secret);
  }
  return report;
}

function stage(report: CheckReport, id: CheckStageId) {
  const found = report.stages.find((s) => s.id === id);
  if (!found) throw new Error(`no stage ${id}`);
  return found;
}

/**
 * The stage failed (or warned) with `code`, its catalogue fix and its docs link; every later stage
 * is skipped, except the ip stage after a credentials failure: WHMCS checks the address first, so
 * the refusal of the credentials proves the address was accepted.
 */
function expectFlagged(
  report: CheckReport,
  id: CheckStageId,
  code: DiagnosticCode,
  status: 'failed' | 'warning' = 'failed',
) {
  const s = stage(report, id);
  expect(s).toMatchObject({ status, code, docsUrl: docsLink(code, DOCS) });
  expect(s.fix).toEqual(diagnosticFor(code).fix);
  expect(s.fix?.length).toBeGreaterThan(0);
  if (status === 'failed') {
    expect(report.ok).toBe(false);
    const ids = report.stages.map((x) => x.id);
    for (const later of report.stages.slice(ids.indexOf(id) + 1)) {
      expect(later.status, later.id).toBe(id === 'credentials' && later.id === 'ip' ? 'passed' : 'skipped');
    }
    expect(report.stages.filter((x) => x.status === 'failed')).toHaveLength(1);
  }
}

function expectPassed(report: CheckReport, ids: CheckStageId[]) {
  for (const id of ids) expect(stage(report, id).status, id).toBe('passed');
}

/** Requests that reached api.php (the web server's 404 page logs action null). */
function apiCalls(served: ServedSimulator) {
  return served.sim.requests.map((r) => ({ action: r.action, status: r.status, error: r.error }));
}

describe('checkSource against the simulator over loopback', () => {
  it('passes a least-privilege credential with exactly two calls: GetInvoices, then the GetInvoice probe', async () => {
    const served = await simulator();
    const report = await check(source(served.url));

    expect(report.ok).toBe(true);
    expect(report.stages.map((s) => [s.id, s.status])).toEqual([
      ['config', 'passed'],
      ['dns', 'passed'],
      ['tcp', 'passed'],
      ['tls', 'passed'],
      ['whmcs', 'passed'],
      ['credentials', 'passed'],
      ['ip', 'passed'],
      ['permission', 'passed'],
      ['least_privilege', 'passed'],
      ['sample', 'passed'],
    ]);
    expect(report.url).toBe(`${served.url}includes/api.php`);
    expect(report.outgoingAddresses?.[0]).toBe('127.0.0.1');
    expect(stage(report, 'sample').detail).toMatch(/5 newest invoices \(ids 30, 29, 28, 27, 26\)/);
    expect(apiCalls(served)).toEqual([
      { action: 'getinvoices', status: 200, error: undefined },
      {
        action: 'getinvoice',
        status: 403,
        error: 'Invalid Permissions: API action "getinvoice" is not allowed',
      },
    ]);
    expect(served.sim.requests[0]?.params).toMatchObject({ limitnum: '5', orderby: 'id', order: 'desc' });
    expect(served.sim.requests[1]?.params).toMatchObject({ invoiceid: '0' });
  });

  it('warns over_privileged for a role that allows every action, and still passes', async () => {
    const served = await simulator({
      credentials: [{ identifier: IDENTIFIER, secret: SECRET, actions: ['*'] }],
    });
    const report = await check(source(served.url));

    expect(report.ok).toBe(true);
    expectFlagged(report, 'least_privilege', 'over_privileged', 'warning');
    expect(stage(report, 'least_privilege').detail).toMatch(/Invoice ID Not Found/);
    expectPassed(report, ['credentials', 'ip', 'permission', 'sample']);
    expect(apiCalls(served).map((r) => r.action)).toEqual(['getinvoices', 'getinvoice']);
  });

  it('warns over_privileged for a legacy admin login without probing', async () => {
    const served = await simulator();
    const report = await check(
      source(served.url, { credentials: { username: 'admin', password: 'admin-password' } }),
    );

    expect(report.ok).toBe(true);
    expectFlagged(report, 'least_privilege', 'over_privileged', 'warning');
    expect(stage(report, 'least_privilege').detail).toMatch(/legacy admin login/);
    expect(apiCalls(served).map((r) => r.action)).toEqual(['getinvoices']);
    // The MD5 the legacy login sends is a secret too.
    expect(JSON.stringify(report)).not.toContain(createHash('md5').update('admin-password').digest('hex'));
  });

  it('fails ip_not_allowed, reporting the address WHMCS saw, with credentials skipped and one call', async () => {
    const served = await simulator({ allowlist: ['203.0.113.9'] });
    const report = await check(source(served.url));

    expectFlagged(report, 'ip', 'ip_not_allowed');
    expect(report.seenIp).toBe('127.0.0.1');
    expect(stage(report, 'credentials')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/IP first/),
    });
    expect(stage(report, 'whmcs').status).toBe('passed');
    expect(stage(report, 'ip').detail).toMatch(/WHMCS saw 127\.0\.0\.1/);
    expect(report.outgoingAddresses).toContain('127.0.0.1');
    expect(apiCalls(served)).toEqual([{ action: 'getinvoices', status: 403, error: 'Invalid IP 127.0.0.1' }]);
  });

  it('fails auth_failed for a wrong secret after one call, without banning the address', async () => {
    const served = await simulator();
    const report = await check(
      source(served.url, { credentials: { identifier: IDENTIFIER, secret: 'wrong-secret-123' } }),
    );

    expectFlagged(report, 'credentials', 'auth_failed');
    expect(stage(report, 'ip').detail).toMatch(/checks the address before the credentials/);
    expect(JSON.stringify(report)).not.toContain('wrong-secret-123');
    expect(apiCalls(served)).toEqual([
      { action: 'getinvoices', status: 403, error: 'Authentication Failed' },
    ]);
    expect(served.sim.banned()).toEqual([]);
  });

  it('fails invalid_credentials for an unknown identifier after one call', async () => {
    const served = await simulator();
    const report = await check(source(served.url, { credentials: { identifier: 'nobody', secret: SECRET } }));

    expectFlagged(report, 'credentials', 'invalid_credentials');
    expect(stage(report, 'credentials').detail).toMatch(/nobody/);
    expect(apiCalls(served)).toEqual([
      { action: 'getinvoices', status: 403, error: 'Invalid or missing credentials' },
    ]);
  });

  it('fails permission_denied when the role lacks GetInvoices, after one call and no probe', async () => {
    const served = await simulator({
      credentials: [{ identifier: IDENTIFIER, secret: SECRET, actions: ['GetInvoice'] }],
    });
    const report = await check(source(served.url));

    expectFlagged(report, 'permission', 'permission_denied');
    expectPassed(report, ['whmcs', 'credentials', 'ip']);
    expect(apiCalls(served).map((r) => r.action)).toEqual(['getinvoices']);
  });

  it('fails invalid_access_key at the ip stage after one call', async () => {
    const served = await simulator({ accessKey: 'the-right-key-1' });
    const report = await check(source(served.url, { accessKey: ACCESS_KEY }));

    expectFlagged(report, 'ip', 'invalid_access_key');
    expect(stage(report, 'credentials').status).toBe('skipped');
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('fails ip_banned after one call when the address is already banned', async () => {
    const served = await simulator();
    for (let i = 0; i < 3; i++) {
      await served.sim.fetch(
        new Request('http://whmcs.test/includes/api.php', {
          method: 'POST',
          body: new URLSearchParams({
            identifier: IDENTIFIER,
            secret: 'nope',
            action: 'GetInvoices',
            responsetype: 'json',
          }),
        }),
        { clientIp: '127.0.0.1' },
      );
    }
    expect(served.sim.banned()).toEqual(['127.0.0.1']);
    served.sim.clearRequests();

    const report = await check(source(served.url));
    expectFlagged(report, 'ip', 'ip_banned');
    expect(stage(report, 'credentials').status).toBe('skipped');
    expect(apiCalls(served)).toEqual([{ action: 'getinvoices', status: 403, error: 'IP Banned' }]);
  });

  it('fails waf_blocked on a firewall’s 403 HTML page, after one call', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'waf403' });
    const report = await check(source(served.url));

    expectFlagged(report, 'whmcs', 'waf_blocked');
    expect(stage(report, 'whmcs').detail).toMatch(/HTTP 403 with an HTML page/);
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('fails http_error on a 500 HTML page (the right address, PHP or a gateway failing), after one call', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'html500' });
    const report = await check(source(served.url));

    expectFlagged(report, 'whmcs', 'http_error');
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('does not retry a 502, which the sync would retry', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'html502' });
    const report = await check(source(served.url));

    expectFlagged(report, 'whmcs', 'http_error');
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('fails not_whmcs_api when api.php is a 404 (wrong URL), after one request', async () => {
    const served = await simulator();
    const report = await check(source(`${served.url}nope/`));

    expectFlagged(report, 'whmcs', 'not_whmcs_api');
    expect(report.url).toBe(`${served.url}nope/includes/api.php`);
    expect(apiCalls(served)).toEqual([{ action: null, status: 404, error: undefined }]);
  });

  it('fails timeout when WHMCS does not answer in time, after one attempt', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'hang' });
    const report = await check(source(served.url), 400);

    expectFlagged(report, 'whmcs', 'timeout');
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('fails network when the connection is cut, after one attempt', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'reset' });
    const report = await check(source(served.url));

    expectFlagged(report, 'whmcs', 'network');
    expect(apiCalls(served)).toHaveLength(1);
  });

  it('fails invalid_response on a body that is not JSON', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'truncated' });
    const report = await check(source(served.url));

    expectFlagged(report, 'whmcs', 'invalid_response');
    expect(apiCalls(served)).toHaveLength(1);
  });
});

describe('checkSource: configuration, before any call', () => {
  it('fails secret_whitespace for a trailing space, naming the key but not the secret, with no request', async () => {
    const served = await simulator();
    const report = await check(
      source(served.url, { credentials: { identifier: IDENTIFIER, secret: `${SECRET} ` } }),
    );

    expectFlagged(report, 'config', 'secret_whitespace');
    expect(stage(report, 'config').detail).toMatch(/^credentials\.secret ends with a space\./);
    expect(served.sim.requests).toHaveLength(0);
  });

  it('fails secret_whitespace for an access key with a line break at its start', async () => {
    const served = await simulator();
    const report = await check(source(served.url, { accessKey: `\n${ACCESS_KEY}` }));

    expectFlagged(report, 'config', 'secret_whitespace');
    expect(stage(report, 'config').detail).toMatch(/^accessKey starts with a line break/);
    expect(served.sim.requests).toHaveLength(0);
  });

  it('fails url_points_to_admin for a URL into the admin area, with no request', async () => {
    const served = await simulator();
    const report = await check(source(`${served.url}admin/`));

    expectFlagged(report, 'config', 'url_points_to_admin');
    expect(served.sim.requests).toHaveLength(0);
  });

  it('fails plain_http_refused for http:// to another host, with no connection', async () => {
    const report = await check(source('http://192.0.2.10/billing/'));
    expectFlagged(report, 'config', 'plain_http_refused');
    expect(report.url).toBe('http://192.0.2.10/billing/includes/api.php');
  });

  it('fails config_invalid for a URL that is not one', async () => {
    const report = await check(source('billing dot example'));
    expectFlagged(report, 'config', 'config_invalid');
    expect(report.url).toBe('');
  });

  it('fails config_invalid for an empty secret rather than spend a login on it', async () => {
    const served = await simulator();
    const report = await check(source(served.url, { credentials: { identifier: IDENTIFIER, secret: '' } }));
    expectFlagged(report, 'config', 'config_invalid');
    expect(served.sim.requests).toHaveLength(0);
  });
});

describe('checkSource: DNS, TCP and TLS', () => {
  it('fails dns_failed for a name that does not resolve', async () => {
    const report = await check(source('https://does-not-exist.invalid/'));
    expectFlagged(report, 'dns', 'dns_failed');
    expect(stage(report, 'dns').detail).toMatch(/does-not-exist\.invalid does not resolve/);
  });

  it('reports the addresses a name resolves to (through the lookup given)', async () => {
    const served = await simulator();
    const port = new URL(served.url).port;
    const report = await checkSource(source(`http://whmcs.localhost:${port}/`), {
      docsBaseUrl: DOCS,
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(stage(report, 'dns').detail).toMatch(/this machine/);

    const named = await checkSource(source(`https://billing.example.test:${port}/`), {
      docsBaseUrl: DOCS,
      lookup: async (host) => {
        expect(host).toBe('billing.example.test');
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(stage(named, 'dns')).toMatchObject({
      status: 'passed',
      detail: 'billing.example.test resolves to 127.0.0.1.',
    });
    expect(stage(named, 'tcp').status).toBe('passed');
    // The simulator speaks plain HTTP: the handshake fails.
    expectFlagged(named, 'tls', 'tls_failed');
  });

  it('fails tcp_refused on a closed port', async () => {
    const port = await closedPort();
    const report = await check(source(`http://127.0.0.1:${port}/`));
    expectFlagged(report, 'tcp', 'tcp_refused');
    expect(stage(report, 'tcp').detail).toMatch(/ECONNREFUSED/);
  });

  it('fails tcp_timeout when SYNs go unanswered', async (ctx) => {
    const hole = await blackholePort();
    if (!hole) return ctx.skip('python3 is needed to hold a socket that never accepts');
    cleanups.push(hole.close);
    const report = await check(source(`http://127.0.0.1:${hole.port}/`), 300);
    expectFlagged(report, 'tcp', 'tcp_timeout');
  });

  it('fails tls_failed when the port does not answer the handshake', async () => {
    const silent = running(await serveSilence());
    const report = await check(source(`https://127.0.0.1:${silent.port}/`), 300);
    expectFlagged(report, 'tls', 'tls_failed');
    expect(stage(report, 'tls').detail).toMatch(/No TLS handshake within 300 ms/);
  });

  describe('over HTTPS in front of the simulator', () => {
    const good = makeCert({ cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1' });

    it('fails tls_unknown_ca for a self-signed certificate, with no request', async () => {
      const served = await simulator();
      const front = running(await serveTlsFront(good, Number(new URL(served.url).port)));
      const report = await check(source(`https://127.0.0.1:${front.port}/`));

      expectFlagged(report, 'tls', 'tls_unknown_ca');
      expect(stage(report, 'tls').detail).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/);
      expect(served.sim.requests).toHaveLength(0);
    });

    it('passes every stage when the certificate is the configured CA', async () => {
      const served = await simulator();
      const front = running(await serveTlsFront(good, Number(new URL(served.url).port)));
      const report = await check(source(`https://127.0.0.1:${front.port}/`, { tls: { ca: good.cert } }));

      expect(report.ok).toBe(true);
      expect(stage(report, 'tls').detail).toMatch(/certificate for localhost .*the configured CA/);
      expect(report.stages.every((s) => s.status === 'passed')).toBe(true);
      expect(apiCalls(served).map((r) => r.action)).toEqual(['getinvoices', 'getinvoice']);
    });

    it('passes with the host name, sent as SNI', async () => {
      const served = await simulator();
      const front = running(await serveTlsFront(good, Number(new URL(served.url).port)));
      const report = await check(source(`https://localhost:${front.port}/`, { tls: { ca: good.cert } }));
      expect(report.ok).toBe(true);
    });

    it('fails tls_hostname_mismatch for a certificate issued for another name', async () => {
      const other = makeCert({ cn: 'other.test', san: 'DNS:other.test' });
      const served = await simulator();
      const front = running(await serveTlsFront(other, Number(new URL(served.url).port)));
      const report = await check(source(`https://127.0.0.1:${front.port}/`, { tls: { ca: other.cert } }));

      expectFlagged(report, 'tls', 'tls_hostname_mismatch');
      expect(served.sim.requests).toHaveLength(0);
    });

    it('fails tls_expired for a certificate past its end date', async () => {
      const expired = makeCert({ cn: 'localhost', san: 'DNS:localhost,IP:127.0.0.1', expired: true });
      const served = await simulator();
      const front = running(await serveTlsFront(expired, Number(new URL(served.url).port)));
      const report = await check(source(`https://127.0.0.1:${front.port}/`, { tls: { ca: expired.cert } }));

      expectFlagged(report, 'tls', 'tls_expired');
      expect(stage(report, 'tls').detail).toMatch(/CERT_HAS_EXPIRED/);
      expect(served.sim.requests).toHaveLength(0);
    });
  });
});

describe('checkSource: answers the simulator cannot give', () => {
  const envelope = (invoice: Record<string, unknown>) =>
    JSON.stringify({
      result: 'success',
      totalresults: 1,
      startnumber: 0,
      numreturned: 1,
      invoices: { invoice: [invoice] },
    });
  const row = {
    id: 7,
    userid: 1,
    firstname: 'Ada',
    lastname: 'Lovelace',
    companyname: '',
    invoicenum: '',
    date: '2024-05-01',
    duedate: '2024-05-15',
    datepaid: '0000-00-00 00:00:00',
    subtotal: '10.00',
    credit: '0.00',
    tax: '0.00',
    tax2: '0.00',
    total: '10.00',
    taxrate: '0.000',
    taxrate2: '0.000',
    status: 'Unpaid',
    paymentmethod: 'paypal',
    paymethodid: null,
    notes: '',
    created_at: '2024-05-01 10:00:00',
    updated_at: '2024-05-01 10:00:00',
    currencycode: 'EUR',
    currencyprefix: '€',
    currencysuffix: ' EUR',
  };
  const refuseProbe = (res: import('node:http').ServerResponse) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end('{"result":"error","message":"Invalid Permissions: API action \\"getinvoice\\" is not allowed"}');
  };

  it('fails sample_parse_failed naming the field, after the gates passed and the probe ran', async () => {
    const fake = running(
      await serveFakeWhmcs((form, res) => {
        if (form.get('action') === 'GetInvoice') return refuseProbe(res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(envelope({ ...row, datepaid: '31/12/2024 10:00' }));
      }),
    );
    const report = await check(source(fake.url));

    expectFlagged(report, 'sample', 'sample_parse_failed');
    expect(stage(report, 'sample').detail).toMatch(/Invoice 7: field datepaid/);
    expectPassed(report, ['whmcs', 'credentials', 'ip', 'permission', 'least_privilege']);
    expect(fake.actions).toEqual(['getinvoices', 'getinvoice']);
  });

  it('fails sample_parse_failed when a row breaks the wire shape', async () => {
    const fake = running(
      await serveFakeWhmcs((form, res) => {
        if (form.get('action') === 'GetInvoice') return refuseProbe(res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(envelope({ ...row, total: { amount: 10 } }));
      }),
    );
    const report = await check(source(fake.url));

    expectFlagged(report, 'sample', 'sample_parse_failed');
    expect(stage(report, 'sample').detail).toMatch(/Invoice 7: field total cannot be read/);
  });

  it('passes an install with no invoices yet', async () => {
    const fake = running(
      await serveFakeWhmcs((form, res) => {
        if (form.get('action') === 'GetInvoice') return refuseProbe(res);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"result":"success","totalresults":0,"startnumber":0,"numreturned":0,"invoices":[]}');
      }),
    );
    const report = await check(source(fake.url));
    expect(report.ok).toBe(true);
    expect(stage(report, 'sample').detail).toMatch(/no invoices yet/);
  });

  it('fails rate_limited on a 429, after one request', async () => {
    const fake = running(
      await serveFakeWhmcs((_form, res) => {
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' });
        res.end('Too Many Requests');
      }),
    );
    const report = await check(source(fake.url));
    expectFlagged(report, 'whmcs', 'rate_limited');
    expect(fake.actions).toHaveLength(1);
  });

  it('fails not_whmcs_api on an HTML page answered with 200 (a home page, a login page)', async () => {
    const fake = running(
      await serveFakeWhmcs((_form, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><body><h1>Welcome to our shop</h1></body></html>');
      }),
    );
    const report = await check(source(fake.url));
    expectFlagged(report, 'whmcs', 'not_whmcs_api');
  });

  it('fails api_error when GetInvoices itself fails inside WHMCS', async () => {
    const fake = running(
      await serveFakeWhmcs((_form, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"result":"error","message":"Database query failed"}');
      }),
    );
    const report = await check(source(fake.url));
    expectFlagged(report, 'sample', 'api_error');
    expect(stage(report, 'sample').detail).toMatch(/Database query failed/);
    expect(fake.actions).toEqual(['getinvoices']);
  });

  it('keeps secrets out of the report even when a server echoes the request', async () => {
    const fake = running(
      await serveFakeWhmcs((form, res) => {
        res.writeHead(403, { 'content-type': 'text/html' });
        res.end(
          `<html><body>Blocked: ${[...form.entries()].map(([k, v]) => `${k}=${v}`).join(' ')}</body></html>`,
        );
      }),
    );
    const report = await check(source(fake.url, { accessKey: ACCESS_KEY }));
    expectFlagged(report, 'whmcs', 'waf_blocked');
    // The echo reached the report, with every credential parameter redacted, the identifier too.
    expect(stage(report, 'whmcs').detail).toMatch(/action=GetInvoices .*identifier=\*\*\* secret=\*\*\*/);
    expect(stage(report, 'whmcs').detail).not.toContain('bridge-reader');
    // `check` asserts that neither the secret nor the access key appears anywhere.
  });

  it('rejects when aborted', async () => {
    const served = await simulator();
    served.sim.faults.add({ kind: 'hang' });
    const controller = new AbortController();
    const pending = checkSource(source(served.url), { docsBaseUrl: DOCS, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await expect(pending).rejects.toThrow('stop');
  });
});
