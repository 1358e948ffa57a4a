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

describe('alert windows from /v1/alerts/settings, and /v1/calendar', () => {
  it('raises each kind its configured number of days before, and the calendar lists every term with its alert day', async () => {
    h = await createHarness();
    const cp = (await call('POST', '/v1/counterparties', { name: 'Host' })).body.data as unknown as {
      id: string;
    };
    const base = { counterpartyId: cp.id, currency: 'EUR', amount: '10.00', cadence: 'monthly' };
    // Renews every month on the 10th of July, August, ...; notice 20 days before each.
    const renewing = (
      await call('POST', '/v1/commitments', {
        ...base,
        title: 'Licence',
        startDate: '2023-07-01',
        endDate: '2024-07-10',
        autoRenewMonths: 1,
        notice: { value: 20, unit: 'day' },
      })
    ).body.data as unknown as { id: string };
    const ending = (
      await call('POST', '/v1/commitments', {
        ...base,
        title: 'Lease',
        startDate: '2023-07-01',
        endDate: '2024-07-20',
      })
    ).body.data as unknown as { id: string };

    // Defaults (30 days each): the notice deadline (5 days), the renewal (25), the end (35: not yet).
    const kinds = async () =>
      (await call('GET', '/v1/alerts')).body.data.map((a) => [a.kind, a.date, a.commitmentId]);
    expect(await kinds()).toEqual([
      ['notice_deadline', '2024-06-20', renewing.id],
      ['renewal', '2024-07-10', renewing.id],
    ]);
    const settings = await h.app.request('/v1/alerts/settings', {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${ALL_TOKEN}`,
        'Content-Type': 'application/json',
        'If-Match': '"0"',
      },
      body: JSON.stringify({
        noticeDays: 4,
        renewalDays: 30,
        endDays: 40,
        cash: { months: 12, reportingCurrency: null, thresholds: [] },
      }),
    });
    expect(settings.status).toBe(200);
    expect(await kinds()).toEqual([
      ['renewal', '2024-07-10', renewing.id],
      ['commitment_end', '2024-07-20', ending.id],
    ]);
    // `days` still overrides every kind.
    expect((await call('GET', '/v1/alerts?days=5')).body.data.map((a) => a.kind)).toEqual([
      'notice_deadline',
    ]);

    const calendar = (await call('GET', '/v1/calendar?from=2024-06-15&to=2024-08-31')).body.data;
    expect(calendar.map((e) => [e.date, e.kind, e.title, e.termEnd, e.alertOn])).toEqual([
      ['2024-06-20', 'notice_deadline', 'Licence', '2024-07-10', '2024-06-16'],
      ['2024-07-10', 'renewal', 'Licence', '2024-07-10', '2024-06-10'],
      ['2024-07-20', 'commitment_end', 'Lease', '2024-07-20', '2024-06-10'],
      ['2024-07-21', 'notice_deadline', 'Licence', '2024-08-10', '2024-07-17'],
      ['2024-08-10', 'renewal', 'Licence', '2024-08-10', '2024-07-11'],
      ['2024-08-21', 'notice_deadline', 'Licence', '2024-09-10', '2024-08-17'],
    ]);
    expect((await call('GET', '/v1/calendar?from=2024-06-15&to=2024-06-01')).status).toBe(400);
    expect((await call('GET', '/v1/calendar?from=2024-06-15&to=2034-06-01')).status).toBe(400);
  });
});
