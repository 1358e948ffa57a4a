/**
 * A JSON response whose invoices are the store's own JSON text, spliced in: a page of 500
 * invoices is then neither parsed nor re-encoded (that was two thirds of its cost). `parts`
 * are the response's fields in order; `raw` marks a value that is already JSON text.
 */
export function splicedJson(
  parts: ReadonlyArray<readonly [key: string, value: unknown, raw?: 'raw']>,
): string {
  return `{${parts.map(([key, value, raw]) => `${JSON.stringify(key)}:${raw ? String(value) : JSON.stringify(value)}`).join(',')}}`;
}

/** The headers of such a body; `c.body()` keeps those set earlier (request id, Cache-Control). */
export const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' } as const;
