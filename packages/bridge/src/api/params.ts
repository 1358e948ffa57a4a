import { invoiceStatusSchema } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';

/*
 * The building blocks of request parameters, shared by the resources' schemas (which sit beside
 * their routes). Every message says what the value must be: the envelope prefixes it with the
 * parameter's name.
 */

export const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CURRENCY = /^[A-Za-z0-9]{1,10}$/;
/** An opaque cursor: base64url, bounded so that a hostile one costs nothing to reject. */
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/** A parameter given once. Repeating it (`limit=1&limit=2`) is an error, not a silent pick. */
export const single = <T extends z.ZodType<unknown, string>>(inner: T) =>
  z
    .string({ error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be a string') })
    .pipe(inner);

/** A repeatable parameter that also takes comma-separated values: `status=paid,unpaid&status=draft`. */
export function list<T extends z.ZodType<unknown, string>>(item: T, what: string) {
  return z
    .union([z.string(), z.array(z.string())], { error: 'must be a string' })
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    )
    .pipe(z.array(item).min(1, `must name at least one ${what}`).max(100, `at most 100 ${what}s`));
}

export const sourceIdValue = z.string().regex(SOURCE_ID, 'is not a source id');
export const statusValue = z.string().pipe(
  z.enum(invoiceStatusSchema.options, {
    error: (issue) =>
      `"${String(issue.input)}" is not a status (one of ${invoiceStatusSchema.options.join(', ')})`,
  }),
);
export const currencyValue = z.string().regex(CURRENCY, 'is not a currency code');

export const dateParam = single(z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' }));
export const monthParam = single(z.string().regex(MONTH, 'must be a month YYYY-MM'));
export const cursorParam = single(z.string().regex(CURSOR, 'is not a cursor this API issued'));

export const limitParam = single(
  z.string().regex(/^\d{1,7}$/, `must be an integer from 1 to ${MAX_PAGE_SIZE}`),
)
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, `must be an integer from 1 to ${MAX_PAGE_SIZE}`)
      .max(MAX_PAGE_SIZE, `must be an integer from 1 to ${MAX_PAGE_SIZE}`),
  );

type DocSchema = Record<string, unknown>;

/**
 * A query parameter's documentation. The schema is written out because the generator would
 * describe the raw input (strings) rather than what the parameter means.
 */
export const param = (name: string, description: string, schema: DocSchema, example?: unknown) => ({
  ...schema,
  param: {
    name,
    in: 'query' as const,
    description,
    ...(schema.type === 'array' ? { style: 'form' as const, explode: true } : {}),
    ...(example === undefined ? {} : { example }),
  },
});
export const DOC = {
  sources: { type: 'array', items: { type: 'string', pattern: SOURCE_ID.source } },
  statuses: { type: 'array', items: { type: 'string', enum: invoiceStatusSchema.options } },
  currencies: { type: 'array', items: { type: 'string', pattern: CURRENCY.source } },
  date: { type: 'string', format: 'date' },
  month: { type: 'string', pattern: MONTH.source },
  cursor: { type: 'string', pattern: CURSOR.source },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  clientId: { type: 'integer', minimum: 0 },
  boolean: { type: 'boolean', default: false },
} satisfies Record<string, DocSchema>;

/** Checks `fromKey <= toKey` (both optional): an inverted range is a mistake, not an empty answer. */
export function ordered<T extends Record<string, unknown>>(
  pairs: Array<[keyof T & string, keyof T & string]>,
) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    for (const [from, to] of pairs) {
      const a = value[from];
      const b = value[to];
      if (typeof a === 'string' && typeof b === 'string' && a > b) {
        ctx.addIssue({ code: 'custom', path: [to], message: `must not be before ${from} (${a})` });
      }
    }
  };
}

/** A source id in the path: `/v1/sources/{id}`. */
export const sourceIdParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(SOURCE_ID, 'is not a source id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'eu' }),
});
