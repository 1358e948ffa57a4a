import { toUnits } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import { netForecast } from '../forecast/net-forecast.ts';
import { figuresService } from '../forecast/service.ts';
import { type DeadlineKind, deadlines } from '../ledger/deadlines.ts';
import { addDays, type CommitmentTerms } from '../ledger/schedule.ts';
import { type AlertSettings, readAlertSettings } from './alert-settings.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { createRouter, v1Route } from './router.ts';

/*
 * `/v1/alerts`: what needs a person's attention soon. The last day to give notice, a renewal and
 * an end each raise an alert the configured number of days before (settings), and a month ahead
 * whose p10 net cash falls below the operator's threshold raises a cash alert. Ids are stable for
 * the same event, so that a notifier (the module's cron hook) raises each once.
 */

export const alertSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable for the same event: raise each id once' }),
    kind: z.enum(['notice_deadline', 'renewal', 'commitment_end', 'cash_low']),
    severity: z.enum(['info', 'warning', 'critical']),
    date: z
      .string()
      .openapi({ description: 'The day of the event; for cash_low the first day of the month' }),
    daysLeft: z.number().int(),
    reason: z.string().openapi({ description: 'A sentence for people' }),
    commitmentId: z.string().nullable().openapi({ description: 'null for cash_low' }),
    currency: z.string().optional().openapi({ description: 'cash_low only' }),
    month: z.string().optional().openapi({ description: 'cash_low only: YYYY-MM' }),
  })
  .openapi('Alert');

export type Alert = z.infer<typeof alertSchema>;

const route = v1Route({
  method: 'get',
  path: '/',
  tags: ['Commitments'],
  summary: 'Notice deadlines, renewals, ends and low-cash months coming up',
  request: {
    query: z.strictObject({
      days: z
        .string()
        .regex(/^\d{1,3}$/, 'must be a whole number of days from 0 to 365')
        .transform(Number)
        .pipe(z.number().max(365, 'must be a whole number of days from 0 to 365'))
        .optional()
        .openapi({
          param: {
            name: 'days',
            in: 'query',
            description:
              'How far ahead for every deadline kind (default: each kind’s days in /v1/alerts/settings)',
          },
          type: 'integer',
        }),
    }),
  },
  responses: {
    200: {
      description: 'Soonest first',
      content: {
        'application/json': {
          schema: z.object({ data: z.array(alertSchema), notes: z.array(z.string()) }).openapi('Alerts'),
        },
      },
    },
    400: errorResponses[400],
  },
});

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

const windowOf = (settings: AlertSettings, kind: DeadlineKind) =>
  kind === 'notice_deadline'
    ? settings.noticeDays
    : kind === 'renewal'
      ? settings.renewalDays
      : settings.endDays;

/** The deadline alerts of every live commitment, each within its kind's window. */
export async function deadlineAlerts(deps: AppDeps, today: string, settings: AlertSettings, days?: number) {
  const commitments = await deps.store.ledger.read((tx) => tx.list('commitment'));
  const longest = days ?? Math.max(settings.noticeDays, settings.renewalDays, settings.endDays);
  const out: Alert[] = [];
  for (const record of commitments) {
    const terms = record.data as unknown as CommitmentTerms & {
      title: string;
      autoRenewMonths: number | null;
    };
    for (const d of deadlines(terms, today, addDays(today, longest))) {
      const daysLeft = dayNumber(d.date) - dayNumber(today);
      if (daysLeft > (days ?? windowOf(settings, d.kind))) continue;
      out.push({
        id: `${d.kind}:${record.id}:${d.date}`,
        kind: d.kind,
        severity: daysLeft <= 7 ? 'critical' : daysLeft <= 14 ? 'warning' : 'info',
        date: d.date,
        daysLeft,
        reason:
          d.kind === 'commitment_end'
            ? `"${terms.title}" ends on ${d.date}.`
            : d.kind === 'renewal'
              ? `"${terms.title}" renews on ${d.date} for ${terms.autoRenewMonths} months.`
              : `Last day to give notice on "${terms.title}" before it renews on ${d.termEnd} for ${terms.autoRenewMonths} months.`,
        commitmentId: record.id,
      });
    }
  }
  return out;
}

/** Months ahead whose p10 net cash is below the threshold of their currency. */
export async function cashAlerts(
  deps: AppDeps,
  today: string,
  settings: AlertSettings,
): Promise<{ alerts: Alert[]; notes: string[] }> {
  const { thresholds, reportingCurrency, months } = settings.cash;
  if (thresholds.length === 0) {
    return {
      alerts: [],
      notes: ['No cash alert threshold is set (PUT /v1/alerts/settings, cash.thresholds).'],
    };
  }
  const notes: string[] = [];
  let convertTo:
    | { rates: NonNullable<Awaited<ReturnType<ReturnType<typeof figuresService>['rates']>>>; to: string }
    | undefined;
  if (reportingCurrency) {
    const rates = await figuresService(deps).rates();
    if (!rates) {
      return {
        alerts: [],
        notes: [
          `Cash alerts are off: the reporting currency is ${reportingCurrency} but no rate file is loaded (<dataDir>/rates.csv).`,
        ],
      };
    }
    convertTo = { rates, to: reportingCurrency };
  }
  const net = await netForecast(deps, {
    months,
    sources: deps.config.sources.map((s) => s.id),
    ...(convertTo ? { convertTo } : {}),
  });
  if (net.revenue === 'unavailable') {
    return { alerts: [], notes: [`Cash alerts are off: ${net.note}`] };
  }
  if (net.missingRates.length) {
    notes.push(`Net cash in ${reportingCurrency} leaves out ${net.missingRates.join(', ')}: no rate loaded.`);
  }
  const alerts: Alert[] = [];
  for (const row of net.data) {
    const threshold = thresholds.find((t) => t.currency === row.currency);
    if (!threshold || !row.net) continue;
    const minimum = toUnits(threshold.minimum);
    if (toUnits(row.net.p10) >= minimum) continue;
    const date = `${row.month}-01`;
    const expectedBelow = toUnits(row.net.expected) < minimum;
    alerts.push({
      id: `cash_low:${row.currency}:${row.month}`,
      kind: 'cash_low',
      severity: expectedBelow ? 'critical' : 'warning',
      date,
      daysLeft: Math.max(0, dayNumber(date) - dayNumber(today)),
      reason: expectedBelow
        ? `Net cash in ${row.month} is expected at ${row.net.expected} ${row.currency}, below the threshold of ${threshold.minimum} (p10 ${row.net.p10}).`
        : `In ${row.month} there is a 1-in-10 chance that net cash falls to ${row.net.p10} ${row.currency} or less, below the threshold of ${threshold.minimum} (expected ${row.net.expected}).`,
      commitmentId: null,
      currency: row.currency,
      month: row.month,
    });
  }
  return { alerts, notes };
}

export function alertsRoutes(deps: AppDeps) {
  return createRouter().openapi(route, async (c) => {
    const { days } = c.req.valid('query');
    const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
    const { value: settings } = await deps.store.ledger.read(readAlertSettings);
    const data = await deadlineAlerts(deps, today, settings, days);
    const cash = await cashAlerts(deps, today, settings);
    data.push(...cash.alerts);
    data.sort((a, b) => (a.date === b.date ? a.id.localeCompare(b.id) : a.date < b.date ? -1 : 1));
    return c.json({ data, notes: cash.notes }, 200);
  });
}
