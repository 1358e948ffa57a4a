import { describe, expect, it } from 'vitest';
import {
  FACADE_ID,
  FACADE_SECRET,
  facadeUrl,
  facadeWith,
  manualClock,
  post,
  serveBridge,
} from './facade-harness.ts';
import { bridgeFor, simSource } from './harness.ts';

/*
 * Issue 10 items 7 and 3: a body the facade cannot read is answered as WHMCS answers it and
 * counts toward the ban; the ban list lives in the store and survives a restart.
 */

const START = '2025-06-15T11:30:00Z';
const good = { identifier: FACADE_ID, secret: FACADE_SECRET, action: 'GetInvoices', responsetype: 'json' };

async function setup(dataDir?: string, clock = manualClock(START)) {
  const eu = await simSource('eu', { invoices: 20, now: clock.now, ban: {} });
  const bridge = await bridgeFor([eu], {
    extra: { facade: facadeWith(), ...(dataDir ? { dataDir } : {}) },
    engine: { clock: clock.now },
  });
  expect(await bridge.engine.run('eu', 'full')).toMatchObject({ result: 'ok' });
  const base = await serveBridge(bridge);
  return { eu, bridge, clock, url: facadeUrl(base, 'eu'), whmcsUrl: `${eu.served.url}includes/api.php` };
}

/** Multipart bodies PHP cannot parse: it leaves $_POST empty. */
const UNREADABLE: Array<[string, string, string]> = [
  ['no boundary', 'multipart/form-data', `identifier=${FACADE_ID}&secret=${FACADE_SECRET}`],
  [
    'a boundary the body lacks',
    'multipart/form-data; boundary=b0undary',
    `--other\r\nContent-Disposition: form-data; name="identifier"\r\n\r\n${FACADE_ID}\r\n--other--\r\n`,
  ],
  ['cut off', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="ident'],
];

async function send(url: string, type: string, body: string) {
  const res = await fetch(`${url}?action=GetInvoices`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body,
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('the WHMCS facade, with bodies it cannot read', () => {
  it('answers what WHMCS answers (no credentials: 403 Authentication Failed), never a 500, and counts it toward the ban', async () => {
    const ctx = await setup();
    for (const [what, type, body] of UNREADABLE) {
      const whmcs = await send(ctx.whmcsUrl, type, body);
      const facade = await send(ctx.url, type, body);
      expect(facade, what).toEqual(whmcs);
      expect(facade.status, what).toBe(403);
      expect(facade.body, what).toBe('result=error;message=Authentication Failed');
    }
    // Three failures: the address is banned, right credentials or not, at WHMCS and here alike.
    const [facade, whmcs] = [
      await post(ctx.url, good),
      await post(ctx.whmcsUrl, { ...good, identifier: 'forecaster', secret: ctx.eu.secret }),
    ];
    expect([facade.status, facade.body]).toEqual([403, '{"result":"error","message":"IP Banned"}']);
    expect(facade.body).toBe(whmcs.body);
  });
});

describe('the facade ban list', () => {
  it('survives a restart of the bridge, and still ends after 15 minutes', async () => {
    const clock = manualClock(START);
    const first = await setup(undefined, clock);
    for (let i = 0; i < 3; i++) await post(first.url, { ...good, secret: `wrong-${i}` });
    expect((await post(first.url, good)).body).toContain('IP Banned');
    await first.bridge.close();

    const second = await setup(first.bridge.config.dataDir, clock);
    expect((await post(second.url, good)).body).toContain('IP Banned');
    clock.advance(15);
    expect((await post(second.url, good)).status).toBe(200);
  });
});
