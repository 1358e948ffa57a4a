import { z } from '@hono/zod-openapi';
import type { LedgerTx } from '../store/ledger.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { ApiError } from './errors.ts';
import { currency, money } from './ledger-fields.ts';
import { createRouter, v1Route } from './router.ts';
import { etagOf, expectedVersion, runWrite, writeErrorResponses } from './write-support.ts';

/*
 * `/v1/alerts/settings`: how early each deadline alert is raised and where the cash alert's
 * floor is. One settings document, versioned like a record (ETag, If-Match), audited.
 */

const days = (what: string) =>
  z
    .number()
    .int('must be a whole number of days')
    .min(0, 'must be from 0 to 365')
    .max(365, 'must be from 0 to 365')
    .openapi({ description: `Alert this many days before ${what}` });

export const alertSettingsSchema = z
  .strictObject({
    noticeDays: days('the last day to give notice'),
    renewalDays: days('a renewal'),
    endDays: days('a commitment ends'),
    cash: z.strictObject({
      months: z
        .number()
        .int()
        .min(1, 'must be from 1 to 36')
        .max(36, 'must be from 1 to 36')
        .openapi({ description: 'How many months ahead cash alerts look (default 12)' }),
      reportingCurrency: currency.nullable().openapi({
        description: 'Convert net cash into this currency (rates.csv) before comparing; null: per currency',
      }),
      thresholds: z
        .array(
          z.strictObject({
            currency,
            minimum: money.openapi({ description: 'Alert when p10 of net cash in a month falls below this' }),
          }),
        )
        .max(50)
        .refine(
          (list) => new Set(list.map((t) => t.currency)).size === list.length,
          'one threshold per currency',
        ),
    }),
  })
  .openapi('AlertSettings');

export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  noticeDays: 30,
  renewalDays: 30,
  endDays: 30,
  cash: { months: 12, reportingCurrency: null, thresholds: [] },
};

const KEY = 'alerts';
interface Stored {
  version: number;
  value: AlertSettings;
}

/** The settings in force (the defaults until an operator saves some), and their version (0: never saved). */
export function readAlertSettings(tx: Pick<LedgerTx, 'getSetting'>): Stored {
  const stored = tx.getSetting<Stored>(KEY);
  return stored ?? { version: 0, value: DEFAULT_ALERT_SETTINGS };
}

const answerSchema = z
  .object({ data: alertSettingsSchema, version: z.number().int() })
  .openapi('AlertSettingsAnswer');
const json = { 'application/json': { schema: answerSchema } };

const getRoute = v1Route({
  method: 'get',
  path: '/settings',
  tags: ['Commitments'],
  summary: 'How early alerts are raised, and the cash alert thresholds',
  responses: {
    200: {
      description: 'The settings in force (defaults until saved); ETag is their version',
      content: json,
    },
  },
});

const putRoute = v1Route({
  method: 'put',
  path: '/settings',
  tags: ['Commitments'],
  summary: 'Replace the alert settings (If-Match required; "0" before the first save)',
  request: {
    headers: z.object({ 'if-match': z.string().optional().openapi({ description: 'The ETag you read' }) }),
    body: { required: true, content: { 'application/json': { schema: alertSettingsSchema } } },
  },
  responses: {
    200: { description: 'The saved settings', content: json },
    400: errorResponses[400],
    412: writeErrorResponses[412],
    428: writeErrorResponses[428],
  },
});

/** Mounted at /v1/alerts before the alerts list. */
export function alertSettingsRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(getRoute, async (c) => {
      const { version, value } = await deps.store.ledger.read(readAlertSettings);
      c.header('ETag', etagOf(version));
      return c.json({ data: value, version }, 200);
    })
    .openapi(putRoute, async (c) => {
      const expected = expectedVersion(c);
      const value = c.req.valid('json');
      return runWrite(c, deps, value, (tx) => {
        const current = readAlertSettings(tx);
        if (current.version !== expected) {
          throw staleSettings(current.version);
        }
        const next: Stored = { version: current.version + 1, value };
        tx.putSetting(KEY, next);
        tx.audit(c.get('tokenName'), 'update', 'alert_settings', KEY, current, next);
        return {
          status: 200,
          body: { data: value, version: next.version },
          headers: { ETag: etagOf(next.version) },
        };
      }) as never;
    });
}

function staleSettings(version: number) {
  return new ApiError(
    'precondition_failed',
    `the settings changed since you read them: they are at version ${version}; read them again and retry`,
    { currentVersion: version },
    { ETag: etagOf(version) },
  );
}
