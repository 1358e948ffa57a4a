import { afterEach, describe, expect, it } from 'vitest';
import { ALL_TOKEN, createHarness, type Harness } from './testing/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data: Array<Record<string, unknown>> } & Record<string, unknown>,
  };
}

describe('GET /v1/alerts (NOW is 2024-06-15)', () => {
  it('raises the last day to give notice, the renewal and an end within the window, soonest first, with stable ids', async () => {
    h = await createHarness();
    const cp = (await call('POST', '/v1/counterparties', { name: 'Host' })).body.data as unknown as {
      id: string;
    };
    const base = {
      counterpartyId: cp.id,
      currency: 'EUR',
      amount: '10.00',
      cadence: 'monthly',
      startDate: '2023-07-01',
    };
    const renewing = (
      await call('POST', '/v1/commitments', {
        ...base,
        title: 'Licence',
        endDate: '2024-07-10',
        autoRenewMonths: 12,
        notice: { value: 20, unit: 'day' },
      })
    ).body.data as unknown as { id: string };
    const ending = (await call('POST', '/v1/commitments', { ...base, title: 'Lease', endDate: '2024-07-01' }))
      .body.data as unknown as { id: string };
    await call('POST', '/v1/commitments', { ...base, title: 'Far', endDate: '2025-07-01' });
    const { status, body } = await call('GET', '/v1/alerts?days=30');
    expect(status).toBe(200);
    expect(body.data.map((a) => [a.kind, a.date, a.daysLeft, a.severity, a.commitmentId])).toEqual([
      ['notice_deadline', '2024-06-20', 5, 'critical', renewing.id],
      ['commitment_end', '2024-07-01', 16, 'info', ending.id],
      ['renewal', '2024-07-10', 25, 'info', renewing.id],
    ]);
    expect(body.data[0]!.id).toBe(`notice_deadline:${renewing.id}:2024-06-20`);
    expect(body.data[0]!.reason).toMatch(
      /Last day to give notice on "Licence" before it renews on 2024-07-10/,
    );
    expect((await call('GET', '/v1/alerts?days=3')).body.data).toEqual([]);
    expect((await call('GET', '/v1/alerts?days=999')).status).toBe(400);
  });
});
