import { describe, expect, it } from 'vitest';
import { md5Hex } from './md5.ts';
import { createWhmcsSimulator } from './simulator.ts';
import { AUTH, call, manualClock } from './testing/api-call.ts';
import type { SimulatorOptions, WhmcsVersion } from './types.ts';

const LIMITED = { identifier: 'limited-id', secret: 'limited-secret', actions: ['GetInvoices'] };
const OF_DISABLED = { identifier: 'disabled-id', secret: 'disabled-secret', admin: 'gone', actions: ['*'] };

function simulator(extra: SimulatorOptions = {}) {
  return createWhmcsSimulator({
    invoices: 20,
    clients: 5,
    credentials: [{ ...AUTH, admin: 'admin', actions: ['*'] }, LIMITED, OF_DISABLED],
    admins: [
      { username: 'admin', password: 'hunter2' },
      { username: 'gone', password: 'pw', disabled: true },
    ],
    accessKey: 'the-key',
    ...extra,
  });
}

const json = { responsetype: 'json' };
const getInvoices = { action: 'GetInvoices', ...json };

// Every row of API-BEHAVIOUR.md section 3 that is raised before or instead of an action.
const ROWS: Array<{
  name: string;
  params: Record<string, string>;
  ip?: string;
  message: string;
  status: number;
}> = [
  {
    name: 'wrong access key',
    params: { ...AUTH, ...getInvoices, accesskey: 'nope' },
    message: 'Invalid Access Key',
    status: 403,
  },
  {
    name: 'IP not allowlisted',
    params: { ...AUTH, ...getInvoices },
    ip: '203.0.113.9',
    message: 'Invalid IP 203.0.113.9',
    status: 403,
  },
  {
    name: 'unknown identifier',
    params: { identifier: 'who', secret: 'x', ...getInvoices },
    message: 'Invalid or missing credentials',
    status: 403,
  },
  {
    name: 'empty secret',
    params: { identifier: AUTH.identifier, secret: '', ...getInvoices },
    message: 'Invalid or missing credentials',
    status: 403,
  },
  {
    name: 'wrong secret',
    params: { identifier: AUTH.identifier, secret: 'bad', ...getInvoices },
    message: 'Authentication Failed',
    status: 403,
  },
  {
    name: 'legacy login wrong',
    params: { username: 'admin', password: md5Hex('wrong'), ...getInvoices },
    message: 'Authentication Failed',
    status: 403,
  },
  {
    name: 'legacy password not MD5',
    params: { username: 'admin', password: 'hunter2', ...getInvoices },
    message: 'Invalid password provided',
    status: 403,
  },
  {
    name: 'admin disabled (legacy)',
    params: { username: 'gone', password: md5Hex('pw'), ...getInvoices },
    message: 'Administrator Account Disabled',
    status: 403,
  },
  {
    name: 'admin disabled (credential)',
    params: { identifier: OF_DISABLED.identifier, secret: OF_DISABLED.secret, ...getInvoices },
    message: 'Administrator Account Disabled',
    status: 403,
  },
  { name: 'no action', params: { ...AUTH, ...json }, message: 'Empty action request', status: 400 },
  {
    name: 'role lacks the action',
    params: {
      identifier: LIMITED.identifier,
      secret: LIMITED.secret,
      action: 'GetInvoice',
      invoiceid: '1',
      ...json,
    },
    message: 'Invalid Permissions: API action "getinvoice" is not allowed',
    status: 403,
  },
  {
    name: 'action does not exist',
    params: { ...AUTH, action: 'Foo', ...json },
    message: 'Invalid API Action: "foo" is not a valid API action',
    status: 403,
  },
];

describe('errors before the action (WHMCS 8)', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.status} ${row.message}`, async () => {
      const res = await call(simulator(), row.params, { clientIp: row.ip });
      expect(res.status).toBe(row.status);
      expect(res.contentType).toBe('application/json');
      expect(res.json()).toEqual({ result: 'error', message: row.message });
    });
  }

  it('IP Banned: 403 after three failures', async () => {
    const sim = simulator();
    for (let i = 0; i < 3; i++)
      await call(sim, { identifier: AUTH.identifier, secret: 'bad', ...getInvoices });
    const res = await call(sim, { ...AUTH, ...getInvoices });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ result: 'error', message: 'IP Banned' });
  });
});

describe('WHMCS 5 answers every error with HTTP 200', () => {
  for (const row of ROWS.filter((r) => r.name !== 'action does not exist')) {
    it(`${row.name}: 200 ${row.message}`, async () => {
      const res = await call(simulator({ version: 5 }), row.params, { clientIp: row.ip });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ result: 'error', message: row.message });
    });
  }

  it('an unknown action is "Command Not Found" (200) on 5 and 7, not Invalid API Action', async () => {
    for (const version of [5, 7] as WhmcsVersion[]) {
      const res = await call(simulator({ version }), { ...AUTH, action: 'Foo', ...json });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ result: 'error', message: 'Command Not Found' });
    }
  });
});

describe('order of checks', () => {
  it('a banned IP gets IP Banned even with a valid access key and credentials', async () => {
    const sim = simulator();
    for (let i = 0; i < 3; i++) await call(sim, { username: 'admin', password: md5Hex('x'), ...getInvoices });
    const res = await call(sim, { ...AUTH, ...getInvoices, accesskey: 'the-key' }, { clientIp: '127.0.0.1' });
    expect(res.json().message).toBe('IP Banned');
  });

  it('a wrong access key beats bad credentials', async () => {
    const res = await call(simulator(), { identifier: 'who', secret: '', ...getInvoices, accesskey: 'nope' });
    expect(res.json().message).toBe('Invalid Access Key');
  });

  it('the IP allowlist beats bad credentials, and does not count toward the ban', async () => {
    const sim = simulator();
    for (let i = 0; i < 5; i++) {
      const res = await call(
        sim,
        { identifier: 'who', secret: 'x', ...getInvoices },
        { clientIp: '198.51.100.7' },
      );
      expect(res.json().message).toBe('Invalid IP 198.51.100.7');
    }
    expect(sim.banned()).toEqual([]);
  });

  it('credentials come before an empty action', async () => {
    const res = await call(simulator(), { identifier: AUTH.identifier, secret: 'bad', ...json });
    expect(res.json().message).toBe('Authentication Failed');
  });

  it('an empty action comes before permissions', async () => {
    const res = await call(simulator(), { identifier: LIMITED.identifier, secret: LIMITED.secret, ...json });
    expect(res.status).toBe(400);
    expect(res.json().message).toBe('Empty action request');
  });

  it('permission comes before the action: a limited credential gets Invalid Permissions for an unknown action', async () => {
    const res = await call(simulator(), {
      identifier: LIMITED.identifier,
      secret: LIMITED.secret,
      action: 'foo',
      ...json,
    });
    expect(res.json().message).toBe('Invalid Permissions: API action "foo" is not allowed');
  });
});

describe('credentials', () => {
  it('accepts identifier/secret, the same pair as username/password, and the legacy md5 login', async () => {
    const sim = simulator();
    for (const params of <Record<string, string>[]>[
      { ...AUTH },
      { username: AUTH.identifier, password: AUTH.secret },
      { username: 'admin', password: md5Hex('hunter2') },
      { username: 'admin', password: md5Hex('hunter2').toUpperCase() },
    ]) {
      const res = await call(sim, { ...params, ...getInvoices, limitnum: '1' });
      expect(res.json().result).toBe('success');
    }
  });

  it('roles allow listed actions in any case; legacy logins are not limited by roles', async () => {
    const sim = simulator();
    const limited = { identifier: LIMITED.identifier, secret: LIMITED.secret };
    expect((await call(sim, { ...limited, action: 'getINVOICES', ...json })).json().result).toBe('success');
    const legacy = await call(sim, {
      username: 'admin',
      password: md5Hex('hunter2'),
      action: 'GetInvoice',
      invoiceid: '1',
      ...json,
    });
    expect(legacy.json().result).toBe('success');
  });

  it('credentials added and removed at runtime take effect', async () => {
    const sim = simulator();
    sim.addCredential({ identifier: 'new', secret: 's', actions: ['getinvoices'] });
    expect((await call(sim, { identifier: 'new', secret: 's', ...getInvoices })).json().result).toBe(
      'success',
    );
    sim.removeCredential('new');
    expect((await call(sim, { identifier: 'new', secret: 's', ...getInvoices })).json().message).toBe(
      'Invalid or missing credentials',
    );
  });
});

describe('access key and IP allowlist', () => {
  it('a correct access key skips the allowlist but not the credentials', async () => {
    const sim = simulator();
    const ok = await call(
      sim,
      { ...AUTH, ...getInvoices, accesskey: 'the-key' },
      { clientIp: '203.0.113.9' },
    );
    expect(ok.json().result).toBe('success');
    const bad = await call(
      sim,
      { identifier: AUTH.identifier, secret: 'bad', ...getInvoices, accesskey: 'the-key' },
      { clientIp: '203.0.113.9' },
    );
    expect(bad.json().message).toBe('Authentication Failed');
  });

  it('an access key is ignored when none is configured', async () => {
    const res = await call(
      simulator({ accessKey: undefined }),
      { ...AUTH, ...getInvoices, accesskey: 'x' },
      { clientIp: '203.0.113.9' },
    );
    expect(res.json().message).toBe('Invalid IP 203.0.113.9');
  });

  it('matches exact addresses: IPv4 and IPv6 are different entries; an empty list blocks everyone', async () => {
    const sim = simulator({ allowlist: ['127.0.0.1'] });
    expect((await call(sim, { ...AUTH, ...getInvoices }, { clientIp: '::1' })).json().message).toBe(
      'Invalid IP ::1',
    );
    sim.setAllowlist([]);
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().message).toBe('Invalid IP 127.0.0.1');
    sim.setAllowlist(['::1']);
    expect((await call(sim, { ...AUTH, ...getInvoices }, { clientIp: '::1' })).json().result).toBe('success');
  });

  it('uses options.clientIp for in-process calls without ctx', async () => {
    const res = await call(simulator({ clientIp: '192.0.2.1' }), { ...AUTH, ...getInvoices });
    expect(res.json().message).toBe('Invalid IP 192.0.2.1');
  });
});

describe('failed-login ban', () => {
  it('bans after 3 failures within 30 minutes, for 15 minutes, by the simulator clock', async () => {
    const clock = manualClock('2025-06-01T12:00:00Z');
    const sim = simulator({ now: clock.now });
    const bad = { identifier: AUTH.identifier, secret: 'bad', ...getInvoices };
    await call(sim, bad);
    await call(sim, bad);
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().result).toBe('success');
    expect((await call(sim, bad)).json().message).toBe('Authentication Failed');
    expect(sim.banned()).toEqual(['127.0.0.1']);
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().message).toBe('IP Banned');
    // Other IPs are unaffected.
    expect((await call(sim, { ...AUTH, ...getInvoices }, { clientIp: '::1' })).json().result).toBe('success');
    clock.advance(14);
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().message).toBe('IP Banned');
    clock.advance(1);
    expect(sim.banned()).toEqual([]);
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().result).toBe('success');
  });

  it('forgets failures older than the window', async () => {
    const clock = manualClock('2025-06-01T12:00:00Z');
    const sim = simulator({ now: clock.now });
    const bad = { identifier: 'who', secret: 'x', ...getInvoices };
    await call(sim, bad);
    await call(sim, bad);
    clock.advance(31);
    await call(sim, bad);
    await call(sim, bad);
    expect(sim.banned()).toEqual([]);
    await call(sim, bad);
    expect(sim.banned()).toEqual(['127.0.0.1']);
  });

  it('counts every kind of authentication failure, including a missing credential and a non-MD5 password', async () => {
    const sim = simulator();
    await call(sim, { ...getInvoices });
    await call(sim, { username: 'admin', password: 'plain', ...getInvoices });
    await call(sim, { identifier: 'who', secret: 'x', ...getInvoices });
    expect(sim.banned()).toEqual(['127.0.0.1']);
    sim.unban('127.0.0.1');
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().result).toBe('success');
  });

  it('honours custom thresholds', async () => {
    const sim = simulator({ ban: { threshold: 1, banMinutes: 1 } });
    await call(sim, { identifier: 'who', secret: 'x', ...getInvoices });
    expect(sim.banned()).toEqual(['127.0.0.1']);
  });
});

describe('transport', () => {
  it('does not read a JSON body: Authentication Failed, counted toward the ban', async () => {
    const sim = simulator();
    const body = JSON.stringify({ ...AUTH, ...getInvoices });
    for (let i = 0; i < 3; i++) {
      const res = await sim.fetch(
        new Request('http://whmcs.test/includes/api.php', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        }),
      );
      expect(res.status).toBe(403);
      // No responsetype was read either, so the error is NVP text.
      expect(await res.text()).toBe('result=error;message=Authentication Failed');
    }
    expect(sim.banned()).toEqual(['127.0.0.1']);
  });

  it('answers GET with query parameters', async () => {
    const res = await call(simulator(), { ...AUTH, ...getInvoices, limitnum: '2' }, { method: 'GET' });
    expect(res.json().numreturned).toBe(2);
  });

  it('reads the query string and the form body together, the body winning', async () => {
    const sim = simulator();
    const res = await sim.fetch(
      new Request('http://whmcs.test/includes/api.php?action=GetInvoices&limitnum=5&responsetype=json', {
        method: 'POST',
        body: new URLSearchParams({ ...AUTH, limitnum: '3' }),
      }),
    );
    expect(((await res.json()) as { numreturned: number }).numreturned).toBe(3);
  });

  it('reads multipart form bodies', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...AUTH, ...getInvoices, limitnum: '1' })) form.append(k, v);
    const res = await simulator().fetch(
      new Request('http://whmcs.test/includes/api.php', { method: 'POST', body: form }),
    );
    expect(((await res.json()) as { result: string }).result).toBe('success');
  });

  it('serves under a subdirectory prefix and answers other paths with an HTML 404', async () => {
    const sim = simulator({ pathPrefix: '/billing/' });
    expect(sim.options.pathPrefix).toBe('/billing');
    expect((await call(sim, { ...AUTH, ...getInvoices })).json().result).toBe('success');
    const root = await call(sim, { ...AUTH, ...getInvoices }, { path: '/includes/api.php' });
    expect(root.status).toBe(404);
    expect(root.contentType).toContain('text/html');
    expect(root.text).toContain('<title>404 Not Found</title>');
    const twice = await call(
      sim,
      { ...AUTH, ...getInvoices },
      { path: '/billing/includes/api.php/includes/api.php' },
    );
    expect(twice.status).toBe(404);
  });

  it('answers pre-action errors as NVP text without responsetype, and as XML when asked', async () => {
    const sim = simulator();
    const nvp = await call(sim, { identifier: 'who', secret: 'x', action: 'GetInvoices' });
    expect(nvp.status).toBe(403);
    expect(nvp.contentType).toBe('text/plain; charset=utf-8');
    expect(nvp.text).toBe('result=error;message=Invalid or missing credentials');
    const xml = await call(
      sim,
      { ...AUTH, action: 'GetInvoice', responsetype: 'xml' },
      { clientIp: '203.0.113.9' },
    );
    expect(xml.text).toBe(
      '<?xml version="1.0" encoding="utf-8"?><whmcsapi version="8.12.1"><action>getinvoice</action><result>error</result><message>Invalid IP 203.0.113.9</message></whmcsapi>',
    );
  });
});
