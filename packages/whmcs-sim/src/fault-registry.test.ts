import { describe, expect, it } from 'vitest';
import { createWhmcsSimulator } from './simulator.ts';
import { AUTH, call } from './testing/api-call.ts';

const params = { ...AUTH, action: 'GetInvoices', responsetype: 'json', orderby: 'id', limitnum: '3' };

function request(extra: Record<string, string> = {}, signal?: AbortSignal): Request {
  return new Request('http://whmcs.test/includes/api.php', {
    method: 'POST',
    body: new URLSearchParams({ ...params, ...extra }),
    signal,
  });
}

describe('faults', () => {
  const pages = [
    ['html500', 500, '<title>500 Internal Server Error</title>'],
    ['html502', 502, '<title>502 Bad Gateway</title>'],
    ['html504', 504, '<title>504 Gateway Time-out</title>'],
    ['waf403', 403, '<title>Attention Required! | Cloudflare</title>'],
  ] as const;
  for (const [kind, status, title] of pages) {
    it(`${kind} answers an HTML page with status ${status}`, async () => {
      const sim = createWhmcsSimulator({ invoices: 10 });
      sim.faults.add({ kind });
      const res = await call(sim, params);
      expect(res.status).toBe(status);
      expect(res.contentType).toBe('text/html; charset=UTF-8');
      expect(res.text).toContain(title);
      expect(sim.requests.at(-1)).toMatchObject({ status, fault: kind });
    });
  }

  it('applies `times` times, then WHMCS answers again', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    sim.faults.add({ kind: 'html502', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(sim, params)).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('hits only matching requests, and tells the rule the action, params and request index', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    const seen: Array<[string | null, string | undefined, number]> = [];
    sim.faults.add({
      kind: 'html500',
      match: (r) => {
        seen.push([r.action, r.params.limitstart, r.index]);
        return r.action === 'getinvoice';
      },
    });
    expect((await call(sim, { ...params, limitstart: '3' })).status).toBe(200);
    expect((await call(sim, { ...AUTH, action: 'GetInvoice', invoiceid: '1' })).status).toBe(500);
    expect(seen).toEqual([
      ['getinvoices', '3', 0],
      ['getinvoice', undefined, 1],
    ]);
    sim.faults.clear();
    expect((await call(sim, { ...AUTH, action: 'GetInvoice', invoiceid: '1' })).status).toBe(200);
  });

  it('hang never answers until the caller aborts', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    sim.faults.add({ kind: 'hang', times: 1 });
    const controller = new AbortController();
    const pending = sim.fetch(request({}, controller.signal));
    const raced = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((r) => setTimeout(r, 50, 'waiting')),
    ]);
    expect(raced).toBe('waiting');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'hang' });
    expect((await sim.fetch(request())).status).toBe(200);
  });

  it('reset makes the in-process fetch fail like a dropped connection', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    sim.faults.add({ kind: 'reset', times: 1 });
    const error = await sim.fetch(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('truncated sends the real JSON cut in half', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    const whole = (await call(sim, params)).text;
    sim.faults.add({ kind: 'truncated' });
    const res = await call(sim, params);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(res.text).toBe(whole.slice(0, Math.floor(whole.length / 2)));
    expect(() => JSON.parse(res.text)).toThrow(SyntaxError);
  });

  it('invalid-utf8 puts bytes that are not UTF-8 into a text field', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    const whole = new Uint8Array(await (await sim.fetch(request())).arrayBuffer());
    sim.faults.add({ kind: 'invalid-utf8' });
    const bytes = new Uint8Array(await (await sim.fetch(request())).arrayBuffer());
    expect(bytes.length).toBe(whole.length + 4);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(TypeError);
    const at = new TextDecoder().decode(whole).indexOf('"firstname":"') + '"firstname":"'.length;
    expect([...bytes.subarray(at, at + 4)]).toEqual([0xc3, 0x28, 0xff, 0xfe]);
  });

  it('slow waits delayMs, then answers for real', async () => {
    const sim = createWhmcsSimulator({ invoices: 10 });
    sim.faults.add({ kind: 'slow', delayMs: 80 });
    const started = performance.now();
    const res = await call(sim, params);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(res.json()).toMatchObject({ result: 'success', numreturned: 3 });
    expect(sim.requests[0]).toMatchObject({ status: 200, fault: 'slow', rows: 3 });
  });
});

describe('request log', () => {
  it('records every request in order, with secrets redacted', async () => {
    const now = new Date('2025-01-02T03:04:05Z');
    const sim = createWhmcsSimulator({ invoices: 10, now: () => now, accessKey: 'k' });
    await call(sim, { ...params, accesskey: 'k' }, { clientIp: '192.0.2.4' });
    await call(sim, { username: 'admin', password: 'not-md5', action: 'GetInvoices' });
    await call(
      sim,
      { ...AUTH, action: 'GetInvoice', invoiceid: '999', responsetype: 'json' },
      { method: 'GET' },
    );
    await call(sim, { ...AUTH });
    expect(sim.requests).toEqual([
      {
        at: now,
        ip: '192.0.2.4',
        method: 'POST',
        action: 'getinvoices',
        params: { ...params, secret: '***', accesskey: '***' },
        status: 200,
        rows: 3,
      },
      {
        at: now,
        ip: '127.0.0.1',
        method: 'POST',
        action: 'getinvoices',
        params: { username: 'admin', password: '***', action: 'GetInvoices' },
        status: 403,
        error: 'Invalid password provided',
      },
      {
        at: now,
        ip: '127.0.0.1',
        method: 'GET',
        action: 'getinvoice',
        params: { ...AUTH, secret: '***', action: 'GetInvoice', invoiceid: '999', responsetype: 'json' },
        status: 200,
        error: 'Invoice ID Not Found',
      },
      {
        at: now,
        ip: '127.0.0.1',
        method: 'POST',
        action: null,
        params: { ...AUTH, secret: '***' },
        status: 400,
        error: 'Empty action request',
      },
    ]);
    expect(JSON.stringify(sim.requests)).not.toContain(AUTH.secret);
    await call(sim, { secret: 's' }, { method: 'GET', path: '/admin/index.php' });
    expect(sim.requests.at(-1)).toMatchObject({
      method: 'GET',
      action: null,
      params: { secret: '***' },
      status: 404,
    });
    sim.clearRequests();
    expect(sim.requests).toEqual([]);
  });
});
