import type { ServeOptions } from '@forecaster/whmcs-sim';
import { describe, expect, it } from 'vitest';
import { type FacadeConfigInput, sha256 } from '../src/config.ts';
import { createFacade } from '../src/facade/index.ts';
import {
  type Answer,
  FACADE_ID,
  FACADE_SECRET,
  facadeUrl,
  facadeWith,
  manualClock,
  post,
  serveBridge,
} from './facade-harness.ts';
import { bridgeFor, type SimSource, simSource, TOKEN } from './harness.ts';

/*
 * The facade's behaviour a module (or an admin) notices, over loopback. Where WHMCS has an
 * answer for the same request, the simulator's answer is the expectation, byte for byte.
 */

const START = '2025-06-15T11:30:00Z';

async function setup(
  options: {
    facade?: Partial<FacadeConfigInput> | null;
    sim?: ServeOptions;
    more?: SimSource[];
    /** Runs a full sync of every source first (default true). */
    sync?: boolean;
  } = {},
) {
  const clock = manualClock(START);
  const eu = await simSource('eu', {
    seed: 9,
    invoices: 150,
    clients: 12,
    now: clock.now,
    // The simulator's ban would otherwise cut the comparison short; the ban test turns it back on.
    ban: { threshold: 1000 },
    ...options.sim,
  });
  const extra = options.facade === null ? {} : { facade: facadeWith(options.facade) };
  const bridge = await bridgeFor([eu, ...(options.more ?? [])], { extra, engine: { clock: clock.now } });
  const base = await serveBridge(bridge);
  if (options.sync ?? true) {
    for (const source of bridge.config.sources) {
      expect(await bridge.engine.run(source.id, 'full')).toMatchObject({ result: 'ok' });
    }
  }
  return {
    eu,
    sim: eu.served.sim,
    bridge,
    base,
    clock,
    url: facadeUrl(base, 'eu'),
    whmcsUrl: `${eu.served.url}includes/api.php`,
  };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** The same request to WHMCS (with its credential) and to the facade (with the facade's). */
async function bothWays(
  ctx: Ctx,
  fields: (identifier: string, secret: string) => Record<string, string>,
): Promise<[expected: Answer, actual: Answer]> {
  const expected = await post(ctx.whmcsUrl, fields('forecaster', ctx.eu.secret));
  const actual = await post(ctx.url, fields(FACADE_ID, FACADE_SECRET));
  return [expected, actual];
}

function expectSameAnswer(actual: Answer, expected: Answer, what: string): void {
  expect({ status: actual.status, type: actual.contentType, body: actual.body }, what).toEqual({
    status: expected.status,
    type: expected.contentType,
    body: expected.body,
  });
}

const ok = (id: string, secret: string) => ({ identifier: id, secret, action: 'GetInvoices' });

describe('refusals, as WHMCS words and codes them', () => {
  it('every pre-action error: message, HTTP status, and NVP unless a format is asked for', async () => {
    const ctx = await setup({ facade: { ban: false } });
    const cases: Record<string, (id: string, secret: string) => Record<string, string>> = {
      'unknown identifier': (_, secret) => ({ identifier: 'nobody', secret, action: 'GetInvoices' }),
      'no secret': (id) => ({ identifier: id, action: 'GetInvoices' }),
      'wrong secret': (id) => ({ identifier: id, secret: 'not-the-secret', action: 'GetInvoices' }),
      'wrong password, identifier as username': (id) => ({
        username: id,
        password: 'not-the-secret',
        action: 'GetInvoices',
      }),
      'a legacy login with a non-MD5 password': () => ({
        username: 'admin',
        password: 'plain',
        action: 'GetInvoices',
      }),
      'a legacy login with an MD5-shaped password': () => ({
        username: 'admin',
        password: 'e'.repeat(32),
        action: 'GetInvoices',
      }),
      'no credentials': () => ({ action: 'GetInvoices' }),
      'no action': (id, secret) => ({ identifier: id, secret }),
      'GetInvoice (single)': (id, secret) => ({
        identifier: id,
        secret,
        action: 'GetInvoice',
        invoiceid: '1',
      }),
      'an action in capitals': (id, secret) => ({ identifier: id, secret, action: 'GETINVOICE' }),
      'an action that does not exist': (id, secret) => ({ identifier: id, secret, action: 'Foo' }),
      'a write action': (id, secret) => ({ identifier: id, secret, action: 'AddClient' }),
    };
    for (const [what, fields] of Object.entries(cases)) {
      for (const responsetype of [undefined, 'json', 'xml', 'nvp']) {
        const [expected, actual] = await bothWays(ctx, (id, secret) => ({
          ...fields(id, secret),
          ...(responsetype ? { responsetype } : {}),
        }));
        expectSameAnswer(actual, expected, `${what} (${responsetype ?? 'no responsetype'})`);
      }
    }
    // What those are, spelled out.
    const nvp = async (fields: Record<string, string>) => {
      const answer = await post(ctx.url, fields);
      return [answer.status, answer.contentType, answer.body];
    };
    expect(await nvp({ identifier: 'nobody', secret: FACADE_SECRET, action: 'GetInvoices' })).toEqual([
      403,
      'text/plain; charset=utf-8',
      'result=error;message=Invalid or missing credentials',
    ]);
    expect(await nvp({ identifier: FACADE_ID, secret: 'wrong', action: 'GetInvoices' })).toEqual([
      403,
      'text/plain; charset=utf-8',
      'result=error;message=Authentication Failed',
    ]);
    expect(await nvp({ identifier: FACADE_ID, secret: FACADE_SECRET })).toEqual([
      400,
      'text/plain; charset=utf-8',
      'result=error;message=Empty action request',
    ]);
    const wrongAction = await post(ctx.url, {
      ...ok(FACADE_ID, FACADE_SECRET),
      action: 'GetInvoice',
      responsetype: 'json',
    });
    expect([wrongAction.status, wrongAction.contentType, wrongAction.body]).toEqual([
      403,
      'application/json',
      '{"result":"error","message":"Invalid Permissions: API action \\u0022getinvoice\\u0022 is not allowed"}',
    ]);
  });

  it('the failed-login ban: three failures in 30 minutes ban the address for 15 minutes, as WHMCS', async () => {
    const ctx = await setup({ sim: { ban: {} } });
    const steps: Array<[string, (id: string, secret: string) => Record<string, string>, number]> = [
      ['failure 1', (id) => ({ identifier: id, secret: 'wrong-1', action: 'GetInvoices' }), 0],
      ['failure 2', (id) => ({ username: id, password: 'wrong-2', action: 'GetInvoices' }), 10],
      ['failure 3', () => ({ action: 'GetInvoices' }), 10],
      ['right credentials, banned', ok, 1],
      ['still banned after 14 minutes', ok, 13],
      ['free again after 15', ok, 2],
    ];
    const seen: string[] = [];
    for (const [what, fields, minutes] of steps) {
      ctx.clock.advance(minutes);
      const [expected, actual] = await bothWays(ctx, (id, secret) => ({
        ...fields(id, secret),
        responsetype: 'json',
      }));
      expectSameAnswer(actual, expected, what);
      seen.push(`${actual.status} ${JSON.parse(actual.body).message ?? 'success'}`);
    }
    expect(seen).toEqual([
      '403 Authentication Failed',
      '403 Authentication Failed',
      '403 Authentication Failed',
      '403 IP Banned',
      '403 IP Banned',
      '200 success',
    ]);
  });

  it('two failures, then 30 minutes of quiet: the count starts over', async () => {
    const ctx = await setup();
    const wrong = { identifier: FACADE_ID, secret: 'wrong', action: 'GetInvoices', responsetype: 'json' };
    await post(ctx.url, wrong);
    await post(ctx.url, wrong);
    ctx.clock.advance(31);
    expect((await post(ctx.url, wrong)).body).toContain('Authentication Failed');
    expect((await post(ctx.url, { ...ok(FACADE_ID, FACADE_SECRET), responsetype: 'json' })).status).toBe(200);
  });
});

describe('formats and transport', () => {
  it('answers XML when no responsetype is given, as WHMCS does, byte for byte', async () => {
    const ctx = await setup();
    const extras: Array<Record<string, string>> = [
      { orderby: 'id', limitnum: '5' },
      { status: 'Bogus' },
      { orderby: 'total', order: 'desc', limitnum: '3', limitstart: '7' },
    ];
    for (const extra of extras) {
      const [expected, actual] = await bothWays(ctx, (id, secret) => ({ ...ok(id, secret), ...extra }));
      expectSameAnswer(actual, expected, JSON.stringify(extra));
    }
    const xml = await post(ctx.url, { ...ok(FACADE_ID, FACADE_SECRET), orderby: 'id', limitnum: '2' });
    expect(xml.contentType).toBe('text/xml; charset=utf-8');
    expect(xml.body).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?><whmcsapi version="8\.12\.1"><action>getinvoices<\/action><result>success<\/result><totalresults>150<\/totalresults><startnumber>0<\/startnumber><numreturned>2<\/numreturned><invoices><invoice><id>1<\/id>/,
    );
    const none = await post(ctx.url, { ...ok(FACADE_ID, FACADE_SECRET), userid: '99999' });
    expect(none.body).toContain('<numreturned>0</numreturned><invoices></invoices></whmcsapi>');
  });

  it('answers NVP when asked, and explicit XML or JSON', async () => {
    const ctx = await setup();
    for (const responsetype of ['nvp', 'xml', 'json', 'JSON', 'yaml']) {
      const [expected, actual] = await bothWays(ctx, (id, secret) => ({
        ...ok(id, secret),
        orderby: 'id',
        limitnum: '3',
        responsetype,
      }));
      expectSameAnswer(actual, expected, responsetype);
    }
    const nvp = await post(ctx.url, { ...ok(FACADE_ID, FACADE_SECRET), responsetype: 'nvp' });
    expect(nvp.body).toBe('result=success;totalresults=150;startnumber=0;numreturned=25;invoices=Array');
  });

  it('reads GET query parameters and multipart bodies; a JSON body carries no credentials', async () => {
    const ctx = await setup();
    const query = (id: string, secret: string) =>
      new URLSearchParams({ ...ok(id, secret), orderby: 'id', limitnum: '4', responsetype: 'json' });
    const viaGet = await fetch(`${ctx.url}?${query(FACADE_ID, FACADE_SECRET)}`);
    const simGet = await fetch(`${ctx.whmcsUrl}?${query('forecaster', ctx.eu.secret)}`);
    expect(viaGet.status).toBe(200);
    expect(await viaGet.text()).toBe(await simGet.text());

    const form = new FormData();
    for (const [k, v] of query(FACADE_ID, FACADE_SECRET)) form.set(k, v);
    const multipart = await fetch(ctx.url, { method: 'POST', body: form });
    expect(multipart.status).toBe(200);
    expect(JSON.parse(await multipart.text()).numreturned).toBe(4);

    const json = await fetch(ctx.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...ok(FACADE_ID, FACADE_SECRET), responsetype: 'json' }),
    });
    expect([json.status, await json.text()]).toEqual([403, 'result=error;message=Authentication Failed']);
  });

  it('an unknown source, another path, or a facade that is off: a 404 in the bridge JSON, never HTML', async () => {
    const ctx = await setup();
    for (const path of ['/whmcs/nope/includes/api.php', '/whmcs/eu/includes/other.php', '/whmcs/eu/']) {
      const res = await fetch(`${ctx.base}${path}`, {
        method: 'POST',
        body: new URLSearchParams(ok(FACADE_ID, FACADE_SECRET)),
      });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      // The API's envelope, request id included: the facade answers what is not WHMCS's the same way.
      expect(Object.keys(body.error), path).toEqual(['code', 'message', 'details', 'requestId']);
      expect([body.error.code, body.error.requestId], path).toEqual([
        'not_found',
        res.headers.get('X-Request-Id'),
      ]);
    }
    const unknown = await post(facadeUrl(ctx.base, 'nope'), ok(FACADE_ID, FACADE_SECRET));
    expect(JSON.parse(unknown.body).error.message).toBe('no source "nope" is configured');

    const off = await setup({ facade: null });
    const res = await post(off.url, ok(FACADE_ID, FACADE_SECRET));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.message).toMatch(/facade is off/);
  });

  it('carries the request id and counts requests by route pattern', async () => {
    const ctx = await setup();
    const answer = await post(ctx.url, ok(FACADE_ID, FACADE_SECRET));
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const metrics = await (
      await fetch(`${ctx.base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(metrics).toMatch(
      /bridge_http_requests_total\{method="POST",route="\/whmcs\/:sourceId\/includes\/api\.php",status="200"\}/,
    );
  });
});

describe('what is served', () => {
  it('never tombstoned invoices', async () => {
    const ctx = await setup();
    const fields = (id: string, secret: string) => ({
      ...ok(id, secret),
      orderby: 'id',
      limitnum: '1000',
      responsetype: 'json',
    });
    const before = JSON.parse((await post(ctx.url, fields(FACADE_ID, FACADE_SECRET))).body);
    const gone = [5, 77, 150];
    for (const id of gone) ctx.sim.deleteInvoice(id);
    expect(await ctx.bridge.engine.run('eu', 'full')).toMatchObject({ result: 'ok', removed: 3 });
    for (const id of gone) expect((await ctx.bridge.store.getInvoice('eu', id))?.deletedAt).toBeTruthy();
    const [expected, actual] = await bothWays(ctx, fields);
    expectSameAnswer(actual, expected, 'after deletions');
    const after = JSON.parse(actual.body);
    expect(after.totalresults).toBe(before.totalresults - 3);
    expect(after.invoices.invoice.map((i: { id: number }) => i.id)).not.toEqual(expect.arrayContaining(gone));
  });

  it('with orphaned invoices: the same rows as WHMCS, and a totalresults that counts only them', async () => {
    const ctx = await setup({ sim: { orphans: 6 } });
    const fields = (id: string, secret: string) => ({
      ...ok(id, secret),
      orderby: 'id',
      limitnum: '1000',
      responsetype: 'json',
    });
    const [expected, actual] = await bothWays(ctx, fields);
    const [whmcs, bridge] = [JSON.parse(expected.body), JSON.parse(actual.body)];
    expect(bridge.invoices).toEqual(whmcs.invoices);
    // WHMCS counts the invoices of deleted clients but never serves them; the bridge never saw them.
    expect(whmcs.totalresults).toBe(150);
    expect(bridge.totalresults).toBe(144);
    expect(bridge.numreturned).toBe(144);
  });

  it('a failing source serves its last good copy; staleness only in headers', async () => {
    const ctx = await setup({ sync: false });
    const fields = { ...ok(FACADE_ID, FACADE_SECRET), orderby: 'id', limitnum: '50', responsetype: 'json' };

    const early = await post(ctx.url, fields);
    expect(early.status).toBe(503);
    expect(early.headers.get('x-bridge-source-state')).toBe('never_synced');
    expect(early.headers.get('x-bridge-last-sync')).toBeNull();
    expect(early.body).toBe(
      '{"result":"error","message":"The bridge has no copy of this WHMCS yet: try again after its first full sync"}',
    );

    const full = await ctx.bridge.engine.run('eu', 'full');
    const fresh = await post(ctx.url, fields);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-bridge-source-state')).toBe('ok');
    expect(fresh.headers.get('x-bridge-last-sync')).toBe(full.finishedAt);
    const whmcs = await post(ctx.whmcsUrl, { ...fields, identifier: 'forecaster', secret: ctx.eu.secret });
    expect(fresh.body).toBe(whmcs.body);

    // WHMCS now refuses the bridge (its credential was deleted): the source is failing.
    ctx.sim.removeCredential('forecaster');
    ctx.clock.advance(10);
    expect(await ctx.bridge.engine.run('eu', 'incremental')).toMatchObject({ result: 'failed' });
    expect(await ctx.bridge.engine.state('eu')).toBe('failing');
    const stale = await post(ctx.url, fields);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-bridge-source-state')).toBe('failing');
    expect(stale.headers.get('x-bridge-last-sync')).toBe(full.finishedAt);
    expect(stale.body).toBe(fresh.body);
    expect(stale.body).not.toMatch(/failing|stale|last.?sync/i);
  });

  it('a page too large to serve is a WHMCS-shaped error, judged by the rows left, not by limitnum', async () => {
    const ctx = await setup();
    const small = createFacade({
      config: ctx.bridge.config,
      store: ctx.bridge.store,
      sync: ctx.bridge.engine,
      logger: ctx.bridge.logger,
      maxPageRows: 10,
    });
    const call = (limitnum: string, limitstart = '0') =>
      small.request('/eu/includes/api.php', {
        method: 'POST',
        body: new URLSearchParams({
          ...ok(FACADE_ID, FACADE_SECRET),
          orderby: 'id',
          limitnum,
          limitstart,
          responsetype: 'json',
        }),
      });
    const fits = await call('10');
    expect(JSON.parse(await fits.text()).numreturned).toBe(10);
    // Asking for more is fine while the rows left fit; too many is a WHMCS-shaped error.
    expect(JSON.parse(await (await call('1000', '145')).text()).numreturned).toBe(5);
    const tooMany = await call('11');
    expect([tooMany.status, await tooMany.text()]).toEqual([
      200,
      '{"result":"error","message":"The bridge serves at most 10 invoices per call: lower limitnum"}',
    ]);
  });
});

describe('whose credentials', () => {
  it('the WHMCS credentials and the API token open nothing here; the facade secret opens no API', async () => {
    const ctx = await setup({ facade: { ban: false } });
    const refusal = async (fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const answer = await post(ctx.url, { ...fields, responsetype: 'json' }, headers);
      return `${answer.status} ${JSON.parse(answer.body).message}`;
    };
    // The source's own WHMCS credential, both ways it can be sent.
    expect(await refusal(ok('forecaster', ctx.eu.secret))).toBe('403 Invalid or missing credentials');
    // Not a facade identifier, so a legacy admin login, whose password must be an MD5 hex.
    expect(await refusal({ username: 'forecaster', password: ctx.eu.secret, action: 'GetInvoices' })).toBe(
      '403 Invalid password provided',
    );
    // The API token, as a secret or as a bearer header.
    expect(await refusal(ok(FACADE_ID, TOKEN))).toBe('403 Authentication Failed');
    expect(await refusal({ action: 'GetInvoices' }, { Authorization: `Bearer ${TOKEN}` })).toBe(
      '403 Authentication Failed',
    );
    // The facade's secret is no API token.
    const api = (token: string) =>
      fetch(`${ctx.base}/v1/sources`, { headers: { Authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await api(FACADE_SECRET)).toBe(401);
    expect(await api(TOKEN)).toBe(200);
    // The bridge keeps only the facade secret's hash.
    const facade = ctx.bridge.config.facade!;
    expect(facade.credentials[0]!.secretSha256.equals(sha256(FACADE_SECRET))).toBe(true);
    expect(JSON.stringify(facade)).not.toContain(FACADE_SECRET);
    expect(JSON.stringify(ctx.bridge.config.sources)).not.toContain(FACADE_SECRET);
  });

  it('a facade identifier that is also the WHMCS identifier still needs the facade secret', async () => {
    const ctx = await setup({
      facade: {
        credentials: [{ identifier: 'forecaster', secretSha256: sha256(FACADE_SECRET).toString('hex') }],
      },
    });
    const answer = (secret: string) => post(ctx.url, { ...ok('forecaster', secret), responsetype: 'json' });
    expect((await answer(ctx.eu.secret)).body).toContain('Authentication Failed');
    expect((await answer(FACADE_SECRET)).status).toBe(200);
  });

  it('a credential limited to some sources is unknown at the others', async () => {
    const us = await simSource('us', { seed: 3, invoices: 20, clients: 4 });
    const ctx = await setup({
      more: [us],
      facade: {
        credentials: [
          { identifier: FACADE_ID, secretSha256: sha256(FACADE_SECRET).toString('hex'), sources: ['eu'] },
          { identifier: 'everywhere', secretSha256: sha256(`${FACADE_SECRET}-2`).toString('hex') },
        ],
      },
    });
    const call = (source: string, id: string, secret: string) =>
      post(facadeUrl(ctx.base, source), { ...ok(id, secret), responsetype: 'json' }).then(
        (a) => `${a.status} ${JSON.parse(a.body).message ?? JSON.parse(a.body).totalresults}`,
      );
    expect(await call('eu', FACADE_ID, FACADE_SECRET)).toBe('200 150');
    expect(await call('us', FACADE_ID, FACADE_SECRET)).toBe('403 Invalid or missing credentials');
    expect(await call('us', 'everywhere', `${FACADE_SECRET}-2`)).toBe('200 20');
  });
});

describe('the IP allowlist and trusted proxies', () => {
  const fields = { ...ok(FACADE_ID, FACADE_SECRET), responsetype: 'json' };
  const outcome = (a: Answer) => `${a.status} ${JSON.parse(a.body).message ?? 'success'}`;

  it("off by default; when set, other callers get WHMCS's Invalid IP, which does not count toward the ban", async () => {
    const open = await setup();
    expect(outcome(await post(open.url, fields))).toBe('200 success');

    const ctx = await setup({ facade: { allowlist: ['203.0.113.9'] } });
    for (let i = 0; i < 4; i++) expect(outcome(await post(ctx.url, fields))).toBe('403 Invalid IP 127.0.0.1');
    // A caller cannot claim another address.
    expect(outcome(await post(ctx.url, fields, { 'X-Forwarded-For': '203.0.113.9' }))).toBe(
      '403 Invalid IP 127.0.0.1',
    );
    const nvp = await post(ctx.url, ok(FACADE_ID, FACADE_SECRET));
    expect(nvp.body).toBe('result=error;message=Invalid IP 127.0.0.1');

    const allowed = await setup({ facade: { allowlist: ['127.0.0.1'] } });
    expect(outcome(await post(allowed.url, fields))).toBe('200 success');
  });

  it('behind a trusted proxy, the caller is the address the proxy appended', async () => {
    const ctx = await setup({ facade: { allowlist: ['203.0.113.9'], trustedProxies: ['127.0.0.1'] } });
    const via = (xff?: string) => post(ctx.url, fields, xff ? { 'X-Forwarded-For': xff } : {});
    expect(outcome(await via('203.0.113.9'))).toBe('200 success');
    // The client wrote the first entry itself; the proxy appended the real one.
    expect(outcome(await via('203.0.113.9, 198.51.100.7'))).toBe('403 Invalid IP 198.51.100.7');
    expect(outcome(await via('198.51.100.7, 203.0.113.9'))).toBe('200 success');
    expect(outcome(await via())).toBe('403 Invalid IP 127.0.0.1');

    // The ban lands on the caller behind the proxy, not on the proxy.
    const wrong = { ...fields, secret: 'wrong' };
    for (let i = 0; i < 3; i++) await post(ctx.url, wrong, { 'X-Forwarded-For': '203.0.113.9' });
    expect(outcome(await via('203.0.113.9'))).toBe('403 IP Banned');
    expect(outcome(await via('198.51.100.7'))).toBe('403 Invalid IP 198.51.100.7');
  });
});
