import { afterEach, describe, expect, it } from 'vitest';
import { ALL_TOKEN, createHarness, errorOf, type Harness, WRITE_TOKEN } from './testing/harness.ts';

/*
 * The write rules on the ledger resources: idempotent POSTs, If-Match on every change (412 on a
 * stale one, 428 without), soft delete and restore, validation in the error envelope, the audit
 * log and the second change feed.
 */

let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Json = Record<string, unknown>;
async function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token = ALL_TOKEN,
) {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res;
}
const data = async (res: Response) => ((await res.json()) as { data: Json }).data;

async function counterparty(name = 'Equinix FR5') {
  const res = await send('POST', '/v1/counterparties', { name, country: 'DE' });
  expect(res.status).toBe(201);
  return data(res);
}

const commitmentBody = (counterpartyId: unknown, extra: Json = {}) => ({
  counterpartyId,
  title: 'Rack space',
  category: 'datacenter',
  currency: 'EUR',
  amount: '1200.00',
  cadence: 'monthly',
  startDate: '2024-01-01',
  ...extra,
});

describe('ledger writes', () => {
  it('creates with 201, an ETag and a Location, and reads it back', async () => {
    h = await createHarness();
    const res = await send('POST', '/v1/counterparties', { name: 'Equinix FR5', country: 'DE' });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    const created = await data(res);
    expect(created).toMatchObject({
      name: 'Equinix FR5',
      country: 'DE',
      taxId: null,
      notes: null,
      version: 1,
      deletedAt: null,
    });
    expect(created.id).toMatch(/^cp_[A-Za-z0-9_-]{16}$/);
    expect(res.headers.get('location')).toBe(`/v1/counterparties/${created.id}`);
    const read = await send('GET', `/v1/counterparties/${created.id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(await data(read)).toEqual(created);
  });

  it('Idempotency-Key: a repeat answers the first answer and writes nothing; another body with it is 422', async () => {
    h = await createHarness();
    const key = { 'Idempotency-Key': 'create-equinix-1' };
    const first = await send('POST', '/v1/counterparties', { name: 'Equinix' }, key);
    const again = await send('POST', '/v1/counterparties', { name: 'Equinix' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await data(again)).toEqual(await data(first));
    expect((await data(await send('GET', '/v1/counterparties'))) as unknown as Json[]).toHaveLength(1);

    const other = await send('POST', '/v1/counterparties', { name: 'Interxion' }, key);
    expect(other.status).toBe(422);
    expect((await errorOf(other)).code).toBe('idempotency_conflict');
    // Keys belong to the token that sent them.
    const byOther = await send('POST', '/v1/counterparties', { name: 'Interxion' }, key, WRITE_TOKEN);
    expect(byOther.status).toBe(201);
    expect((await h.store.ledger.audit(0, 100)).filter((e) => e.action === 'create')).toHaveLength(2);
    const bad = await send('POST', '/v1/counterparties', { name: 'X' }, { 'Idempotency-Key': 'has space' });
    expect(bad.status).toBe(400);
  });

  it('a failed write is not remembered: the same key with a fixed body then succeeds', async () => {
    h = await createHarness();
    const key = { 'Idempotency-Key': 'k-2' };
    expect((await send('POST', '/v1/commitments', commitmentBody('cp_nonexistent1'), key)).status).toBe(400);
    const cp = await counterparty();
    const ok = await send('POST', '/v1/commitments', commitmentBody(cp.id), key);
    expect(ok.status).toBe(201);
  });

  it('If-Match: 428 without it, 412 with a stale one (current ETag sent), 200 and a new version with the right one', async () => {
    h = await createHarness();
    const cp = await counterparty();
    const path = `/v1/counterparties/${cp.id}`;
    const none = await send('PATCH', path, { notes: 'x' });
    expect(none.status).toBe(428);
    expect((await errorOf(none)).code).toBe('precondition_required');

    const ok = await send('PATCH', path, { notes: 'cage 12' }, { 'If-Match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(await data(ok)).toMatchObject({
      notes: 'cage 12',
      name: 'Equinix FR5',
      country: 'DE',
      version: 2,
    });

    // A second writer that read version 1 does not overwrite the first one's change.
    const stale = await send('PATCH', path, { notes: 'cage 14' }, { 'If-Match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"2"');
    const error = await errorOf(stale);
    expect(error.code).toBe('precondition_failed');
    expect(error.details).toEqual({ currentVersion: 2 });
    expect(await data(await send('GET', path))).toMatchObject({ notes: 'cage 12' });
    expect((await send('DELETE', path, undefined, { 'If-Match': '"1"' })).status).toBe(412);
    expect((await send('DELETE', path, undefined, { 'If-Match': 'garbage' })).status).toBe(412);
    expect((await send('DELETE', path)).status).toBe(428);
  });

  it('soft delete hides a record, restore brings it back; a counterparty in use cannot be deleted', async () => {
    h = await createHarness();
    const cp = await counterparty();
    const cm = await data(await send('POST', '/v1/commitments', commitmentBody(cp.id)));
    const inUse = await send('DELETE', `/v1/counterparties/${cp.id}`, undefined, { 'If-Match': '"1"' });
    expect(inUse.status).toBe(409);
    expect((await errorOf(inUse)).message).toMatch(/1 live commitment/);

    const deleted = await send('DELETE', `/v1/commitments/${cm.id}`, undefined, { 'If-Match': '"1"' });
    expect(deleted.status).toBe(200);
    expect((await data(deleted)).deletedAt).toBe('2024-06-15T12:00:00.000Z');
    expect(await data(await send('GET', '/v1/commitments'))).toEqual([]);
    expect(await data(await send('GET', '/v1/commitments?includeDeleted=true'))).toHaveLength(1);
    expect(
      (await send('PATCH', `/v1/commitments/${cm.id}`, { title: 'x' }, { 'If-Match': '"2"' })).status,
    ).toBe(404);

    const restored = await send('POST', `/v1/commitments/${cm.id}/restore`, undefined, { 'If-Match': '"2"' });
    expect(restored.status).toBe(200);
    expect(await data(restored)).toMatchObject({ deletedAt: null, version: 3, title: 'Rack space' });
    expect(await data(await send('GET', '/v1/commitments'))).toHaveLength(1);
  });

  it('validation answers 400 naming each field, including the cross-field rules', async () => {
    h = await createHarness();
    const cp = await counterparty();
    const cases: Array<[unknown, string]> = [
      [commitmentBody(cp.id, { cadence: 'custom' }), 'body.intervalMonths'],
      [commitmentBody(cp.id, { intervalMonths: 2 }), 'body.intervalMonths'],
      [commitmentBody(cp.id, { endDate: '2023-12-31' }), 'body.endDate'],
      [commitmentBody(cp.id, { autoRenewMonths: 12 }), 'body.autoRenewMonths'],
      [commitmentBody('cp_doesnotexist'), 'body.counterpartyId'],
      [commitmentBody(cp.id, { amount: '12.345' }), 'body.amount'],
      [commitmentBody(cp.id, { amount: '-1.00' }), 'body.amount'],
      [commitmentBody(cp.id, { amount: 12 }), 'body.amount'],
      [commitmentBody(cp.id, { cadence: 'weekly' }), 'body.cadence'],
      [commitmentBody(cp.id, { surprise: true }), 'body.surprise'],
    ];
    for (const [body, param] of cases) {
      const res = await send('POST', '/v1/commitments', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(
        (error.details as Array<{ param: string }>).map((d) => d.param),
        JSON.stringify(body),
      ).toContain(param);
    }
    const entry = { date: '2024-03-01', net: '100.00', tax: '19.00', gross: '118.00', currency: 'EUR' };
    const wrong = await send('POST', '/v1/cost-entries', entry);
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong)).details).toEqual([
      { param: 'body.gross', message: 'must equal net + tax (100.00 + 19.00)' },
    ]);
    expect((await send('POST', '/v1/cost-entries', { ...entry, gross: '119.00' })).status).toBe(201);
  });

  it('the audit log names the token, and has before and after of every change; the feed follows every record', async () => {
    h = await createHarness();
    const cp = await data(await send('POST', '/v1/counterparties', { name: 'A' }, {}, WRITE_TOKEN));
    await send('PATCH', `/v1/counterparties/${cp.id}`, { name: 'B' }, { 'If-Match': '"1"' });
    await send('DELETE', `/v1/counterparties/${cp.id}`, undefined, { 'If-Match': '"2"' });
    const audit = (await (await send('GET', '/v1/audit')).json()) as {
      data: Json[];
      nextCursor: string;
      hasMore: boolean;
    };
    expect(
      audit.data.map((e) => [
        e.token,
        e.action,
        (e.before as Json | null)?.name ?? null,
        (e.after as Json).name,
      ]),
    ).toEqual([
      ['writer', 'create', null, 'A'],
      ['operator', 'update', 'A', 'B'],
      ['operator', 'delete', 'B', 'B'],
    ]);
    expect(audit.nextCursor).toBe('3');
    const page = (await (await send('GET', '/v1/audit?since=1&limit=1')).json()) as {
      data: Json[];
      hasMore: boolean;
    };
    expect(page.data.map((e) => e.seq)).toEqual([2]);
    expect(page.hasMore).toBe(true);

    const feed = (await (await send('GET', '/v1/ledger/changes')).json()) as {
      data: Json[];
      nextCursor: string;
    };
    expect(feed.data).toHaveLength(1);
    expect(feed.data[0]).toMatchObject({ resource: 'counterparty', id: cp.id, kind: 'delete', seq: 3 });
    const after = (await (await send('GET', `/v1/ledger/changes?since=${feed.nextCursor}`)).json()) as {
      data: Json[];
    };
    expect(after.data).toEqual([]);
    expect((await send('GET', '/v1/audit?since=abc')).status).toBe(400);
  });
});
