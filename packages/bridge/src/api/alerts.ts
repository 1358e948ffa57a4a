import { createRoute, z } from '@hono/zod-openapi';
import { addDays, type CommitmentTerms, effectiveEnd, noticeDeadline, termEnds } from '../ledger/schedule.ts';
import type { AppDeps } from './deps.ts';
import { BEARER, createRouter } from './router.ts';
import { errorResponses } from './schemas.ts';

/*
 * `/v1/alerts`: what needs a person's attention soon. Today's Forecaster stores notice periods
 * and never acts on them; here the last day to give notice, a renewal and an end each raise an
 * alert `days` before. Ids are stable for the same event, so that a notifier raises each once.
 */

export const alertSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable for the same event' }),
    kind: z.enum(['notice_deadline', 'renewal', 'commitment_end']),
    severity: z.enum(['info', 'warning', 'critical']),
    date: z.string(),
    daysLeft: z.number().int(),
    reason: z.string().openapi({ description: 'A sentence for people' }),
    commitmentId: z.string(),
  })
  .openapi('Alert');

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Commitments'],
  summary: 'Notice deadlines, renewals and ends coming up',
  security: BEARER,
  request: {
    query: z.strictObject({
      days: z
        .string()
        .regex(/^\d{1,3}$/, 'must be a whole number of days from 0 to 365')
        .transform(Number)
        .pipe(z.number().max(365, 'must be a whole number of days from 0 to 365'))
        .optional()
        .openapi({
          param: { name: 'days', in: 'query', description: 'How far ahead (default 30)' },
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
    401: errorResponses[401],
    429: errorResponses[429],
  },
});

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

export function alertsRoutes(deps: AppDeps) {
  return createRouter().openapi(route, async (c) => {
    const { days = 30 } = c.req.valid('query');
    const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
    const horizon = addDays(today, days);
    const commitments = await deps.store.ledger.read((tx) => tx.list('commitment'));
    const data: Array<z.infer<typeof alertSchema>> = [];
    for (const record of commitments) {
      const terms = record.data as unknown as CommitmentTerms & { title: string };
      if (terms.status === 'draft' || terms.status === 'ended') continue;
      const add = (kind: z.infer<typeof alertSchema>['kind'], date: string, reason: string) => {
        if (date < today || date > horizon) return;
        const daysLeft = dayNumber(date) - dayNumber(today);
        const severity = daysLeft <= 7 ? 'critical' : daysLeft <= 14 ? 'warning' : 'info';
        data.push({
          id: `${kind}:${record.id}:${date}`,
          kind,
          severity,
          date,
          daysLeft,
          reason,
          commitmentId: record.id,
        });
      };
      const end = effectiveEnd(terms, today);
      const [termEnd] = termEnds(terms, today);
      if (end) add('commitment_end', end, `"${terms.title}" ends on ${end}.`);
      if (termEnd && terms.autoRenewMonths && terms.status !== 'notice_given') {
        const deadline = noticeDeadline(termEnd, terms.notice);
        add(
          'notice_deadline',
          deadline,
          `Last day to give notice on "${terms.title}" before it renews on ${termEnd} for ${terms.autoRenewMonths} months.`,
        );
        add('renewal', termEnd, `"${terms.title}" renews on ${termEnd} for ${terms.autoRenewMonths} months.`);
      }
    }
    data.sort((a, b) => (a.date === b.date ? a.id.localeCompare(b.id) : a.date < b.date ? -1 : 1));
    return c.json(
      {
        data,
        notes: [
          'Cash alerts (p10 net cash below a threshold) are not raised yet: the revenue forecast is not connected to /v1/forecast/net.',
        ],
      },
      200,
    );
  });
}
