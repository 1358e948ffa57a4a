import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOKEN, createHarness, type Harness } from './testing/harness.ts';

/*
 * Every write body, at random (any JSON, near-valid bodies with one field mutated, odd headers):
 * the answer is a known 2xx or 4xx with the error envelope, never a 500.
 */

let h: Harness;
let ids: Record<string, string>;
beforeAll(async () => {
  h = await createHarness();
  const post = async (path: string, body: unknown) => {
    const res = await send('POST', path, body);
    return ((await res.json()) as { data: { id: string } }).data.id;
  };
  const cp = await post('/v1/counterparties', { name: 'Base' });
  const cm = await post('/v1/commitments', {
    counterpartyId: cp,
    title: 'T',
    currency: 'EUR',
    amount: '1.00',
    cadence: 'monthly',
    startDate: '2024-01-01',
  });
  const ce = await post('/v1/cost-entries', {
    date: '2024-01-01',
    net: '1.00',
    gross: '1.00',
    currency: 'EUR',
  });
  ids = { '/v1/counterparties': cp, '/v1/commitments': cm, '/v1/cost-entries': ce };
});
afterAll(() => h?.close());

function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const valid: Record<string, Record<string, unknown>> = {
  '/v1/counterparties': { name: 'N', country: 'DE', taxId: 'DE1', notes: 'n' },
  '/v1/commitments': {
    title: 'T',
    currency: 'EUR',
    amount: '10.00',
    cadence: 'custom',
    intervalMonths: 2,
    startDate: '2024-01-31',
    endDate: '2025-01-31',
    autoRenewMonths: 12,
    notice: { value: 1, unit: 'month' },
    indexationPercent: '2.5',
    status: 'notice_given',
  },
  '/v1/cost-entries': { date: '2024-02-29', net: '10.00', tax: '1.90', gross: '11.90', currency: 'EUR' },
};
const odd = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.constantFrom(null, '', '-0', '1e400', '9'.repeat(40), '2024-02-30', '0000-00-00', 'NaN', [], {}),
  fc.integer(),
  fc.double(),
);
const ALLOWED = [200, 201, 400, 404, 409, 412, 413, 415, 422, 428];

describe('write bodies never answer 500', () => {
  for (const base of Object.keys(valid)) {
    it(`POST and PATCH ${base}: random and mutated bodies`, async () => {
      const fields = Object.keys(valid[base]!);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.anything(),
            fc
              .record({
                field: fc.constantFrom(...fields, 'counterpartyId', 'commitmentId', '__proto__'),
                value: odd,
              })
              .map(({ field, value }) => ({
                ...valid[base],
                counterpartyId: ids['/v1/counterparties'],
                [field]: value,
              })),
            fc.string().map((s) => `{"name":${s}`),
          ),
          fc.constantFrom('POST', 'PATCH'),
          fc.constantFrom('"1"', '"999"', 'W/"2"', 'x', '"-1"'),
          async (body, method, ifMatch) => {
            const path = method === 'POST' ? base : `${base}/${ids[base]}`;
            const res = await send(method, path, body, {
              'If-Match': ifMatch,
              'Idempotency-Key': `k${Math.random()}`,
            });
            expect(ALLOWED, `${method} ${path} ${JSON.stringify(body)} -> ${res.status}`).toContain(
              res.status,
            );
            if (res.status >= 400) {
              const error = ((await res.json()) as { error: { code: string } }).error;
              expect(error.code).not.toBe('internal_error');
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
