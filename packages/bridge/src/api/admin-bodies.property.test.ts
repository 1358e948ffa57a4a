import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { ManagedSources } from '../sources/managed-sources.ts';
import { parseSealingKey } from '../sources/secret-box.ts';
import { ALL_TOKEN, createHarness, type Harness } from './testing/harness.ts';

/*
 * The write bodies write-bodies.property.test.ts does not reach: managed sources (POST, PATCH),
 * the alert settings (PUT) and CSV imports (text bodies). Random and near-valid bodies answer a
 * known 2xx or 4xx with the error envelope, never a 500. The resolver knows no name, so no
 * request leaves the machine (a source saved with force fails its check at DNS).
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    config: {
      managedSources: {
        ring: { current: parseSealingKey(randomBytes(32).toString('base64')) },
        allowPrivateNetworks: [],
      },
    },
    managedSources: ({ config, store }) =>
      new ManagedSources({
        config,
        store,
        logger: createLogger({ level: 'silent' }),
        lookup: async () => {
          throw Object.assign(new Error('no such name'), { code: 'ENOTFOUND' });
        },
      }),
  });
  const made = await send('POST', '/v1/sources', { ...validSource, id: 'kept', force: true });
  expect(made.status).toBe(201);
});
afterAll(() => h?.close());

function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const validSource: Record<string, unknown> = {
  id: 'm1',
  name: 'Billing',
  url: 'https://billing.invalid/',
  identifier: 'forecaster',
  secret: 'a-secret-value',
  accessKey: null,
  timeZone: 'Europe/Berlin',
  pageSize: 250,
  schedule: { incrementalEvery: '5m', fullEvery: '24h' },
  tlsCa: null,
  allowInsecureHttp: false,
  force: false,
};
const validSettings: Record<string, unknown> = {
  noticeDays: 30,
  renewalDays: 30,
  endDays: 30,
  cash: { months: 12, reportingCurrency: null, thresholds: [{ currency: 'EUR', minimum: '0.00' }] },
};
const odd = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.constantFrom(null, '', '-0', '1e400', '9'.repeat(40), 'http://169.254.169.254/', 'Mars/Olympus', [], {}),
  fc.integer(),
  fc.double(),
);
const mutated = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc.anything(),
    fc
      .record({ field: fc.constantFrom(...Object.keys(valid), 'disabled', '__proto__'), value: odd })
      .map(({ field, value }) => ({ ...valid, [field]: value })),
    fc.string().map((s) => `{"id":${s}`),
  );
const ALLOWED = [200, 201, 400, 404, 409, 412, 413, 415, 422, 428];

async function expectKnown(res: Response, what: string) {
  expect(ALLOWED, `${what} -> ${res.status}`).toContain(res.status);
  if (res.status >= 400) {
    expect(((await res.json()) as { error: { code: string } }).error.code).not.toBe('internal_error');
  }
}

describe('admin and import bodies never answer 500', () => {
  it('POST /v1/sources and PATCH /v1/sources/{id}', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutated(validSource),
        fc.constantFrom('POST', 'PATCH'),
        fc.constantFrom('"1"', '"999"', 'x'),
        async (body, method, ifMatch) => {
          const path = method === 'POST' ? '/v1/sources' : '/v1/sources/kept';
          const res = await send(method, path, body, {
            'If-Match': ifMatch,
            'Idempotency-Key': `k${Math.random()}`,
          });
          await expectKnown(res, `${method} ${path} ${JSON.stringify(body)}`);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('PUT /v1/alerts/settings', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutated(validSettings),
        fc.constantFrom('"0"', '"1"', '"999"', 'x'),
        async (body, ifMatch) => {
          const res = await send('PUT', '/v1/alerts/settings', body, { 'If-Match': ifMatch });
          await expectKnown(res, `PUT ${JSON.stringify(body)}`);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('POST /v1/{commitments,cost-entries}/csv with any text', async () => {
    const line = fc.array(
      fc.oneof(fc.string(), fc.constantFrom('"', '""', '",', '\r\n', 'EUR', '12.50', '2024-02-30')),
      {
        maxLength: 8,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/commitments/csv', '/v1/cost-entries/csv'),
        fc.array(line, { maxLength: 6 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
        fc.boolean(),
        async (path, text, dryRun) => {
          const res = await h.app.request(`${path}${dryRun ? '?dryRun=true' : ''}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'Content-Type': 'text/csv' },
            body: text,
          });
          await expectKnown(res, `POST ${path} ${JSON.stringify(text)}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
