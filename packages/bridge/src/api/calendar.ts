import { z } from '@hono/zod-openapi';
import { deadlines } from '../ledger/deadlines.ts';
import { addDays, type CommitmentTerms } from '../ledger/schedule.ts';
import { readAlertSettings } from './alert-settings.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { invalidRequest } from './errors.ts';
import { date } from './ledger-fields.ts';
import { createRouter, v1Route } from './router.ts';

/* `GET /v1/calendar`: every commitment's notice deadlines, renewals and ends in a window. */

export const calendarEventSchema = z
  .object({
    date: z.string(),
    kind: z.enum(['notice_deadline', 'renewal', 'commitment_end']),
    commitmentId: z.string(),
    title: z.string(),
    counterpartyId: z.string(),
    termEnd: z
      .string()
      .nullable()
      .openapi({ description: 'The end of the term a notice deadline or renewal belongs to' }),
    alertOn: z
      .string()
      .openapi({ description: 'The day /v1/alerts starts raising it (settings: days before)' }),
  })
  .openapi('CalendarEvent');

const day = (name: string, description: string) =>
  date.optional().openapi({ param: { name, in: 'query', description }, example: '2024-07-01' });

const route = v1Route({
  method: 'get',
  path: '/',
  tags: ['Commitments'],
  summary: 'Notice deadlines, renewals and ends of every commitment, by date',
  request: {
    query: z.strictObject({
      from: day('from', 'First day (default today)'),
      to: day('to', 'Last day (default from + 365 days; at most 5 years after from)'),
    }),
  },
  responses: {
    200: {
      description: 'In date order',
      content: {
        'application/json': { schema: z.object({ data: z.array(calendarEventSchema) }).openapi('Calendar') },
      },
    },
    400: errorResponses[400],
  },
});

export function calendarRoutes(deps: AppDeps) {
  return createRouter().openapi(route, async (c) => {
    const query = c.req.valid('query');
    const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
    const from = query.from ?? today;
    const to = query.to ?? addDays(from, 365);
    if (to < from) throw invalidRequest([{ param: 'to', message: 'must not be before from' }]);
    if (to > addDays(from, 5 * 366))
      throw invalidRequest([{ param: 'to', message: 'at most 5 years after from' }]);
    const { commitments, settings } = await deps.store.ledger.read((tx) => ({
      commitments: tx.list('commitment'),
      settings: readAlertSettings(tx).value,
    }));
    const data = commitments.flatMap((record) => {
      const terms = record.data as unknown as CommitmentTerms & { title: string; counterpartyId: string };
      return deadlines(terms, from, to).map((d) => ({
        date: d.date,
        kind: d.kind,
        commitmentId: record.id,
        title: terms.title,
        counterpartyId: terms.counterpartyId,
        termEnd: d.termEnd,
        alertOn: addDays(
          d.date,
          -(d.kind === 'notice_deadline'
            ? settings.noticeDays
            : d.kind === 'renewal'
              ? settings.renewalDays
              : settings.endDays),
        ),
      }));
    });
    data.sort((a, b) =>
      a.date === b.date ? a.commitmentId.localeCompare(b.commitmentId) : a.date < b.date ? -1 : 1,
    );
    return c.json({ data }, 200);
  });
}
