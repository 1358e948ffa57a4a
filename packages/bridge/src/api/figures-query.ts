import { z } from '@hono/zod-openapi';
import { currencyValue, DOC, dateParam, list, param, single, sourceIdValue } from './params.ts';

/*
 * Query parameters shared by the figures and forecast routes (receivables, payment behaviour,
 * revenue figures, forecast).
 */

export const sourcesQuery = list(sourceIdValue, 'source')
  .optional()
  .openapi(
    param('source', 'Source ids; repeat the parameter or separate with commas (default: all)', DOC.sources),
  );

export const asOfQuery = dateParam
  .optional()
  .openapi(
    param(
      'asOf',
      'The day the answer is as of, at its end (default: today in the first source zone)',
      DOC.date,
    ),
  );

export const convertToQuery = single(currencyValue)
  .optional()
  .openapi(
    param(
      'convertTo',
      'Adds a view converted into this currency with the operator rate file (<dataDir>/rates.csv); originals stay',
      { type: 'string' },
      'EUR',
    ),
  );

export const booleanQuery = (name: string, description: string) =>
  single(z.enum(['true', 'false'], { error: 'must be true or false' }))
    .transform((v) => v === 'true')
    .optional()
    .openapi(param(name, description, DOC.boolean));

/** A bounded positive integer parameter. */
export const integerQuery = (name: string, description: string, min: number, max: number) =>
  single(z.string().regex(/^\d{1,7}$/, `must be an integer from ${min} to ${max}`))
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `must be an integer from ${min} to ${max}`)
        .max(max, `must be an integer from ${min} to ${max}`),
    )
    .optional()
    .openapi(param(name, description, { type: 'integer', minimum: min, maximum: max }));
