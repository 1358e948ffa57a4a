/*
 * What a WHMCS api.php call carries, read as PHP reads it into $_REQUEST.
 */

/**
 * The parameters PHP would see in $_REQUEST: the query string, then a form-encoded or multipart
 * body on top. Any other body (JSON above all) is not read, as WHMCS ignores it. A body PHP cannot
 * parse (a multipart body without a boundary, or a broken one) adds nothing either: PHP leaves
 * $_POST empty and WHMCS goes on without credentials, so the call fails authentication and counts
 * toward the failed-login ban, instead of answering an error of its own.
 *
 * @example const params = await readParams(c.req.raw); // { action: 'GetInvoices', ... }
 */
export async function readParams(request: Request): Promise<Record<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(request.url).searchParams) params.set(key, value);
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body) {
    const type = (request.headers.get('content-type') ?? '').toLowerCase();
    if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(await request.text())) params.set(key, value);
    } else if (type.startsWith('multipart/form-data')) {
      for (const [key, value] of await multipartFields(request)) params.set(key, value);
    }
  }
  return Object.fromEntries(params);
}

/** The text fields of a multipart body, or none when it cannot be parsed. */
async function multipartFields(request: Request): Promise<Array<[string, string]>> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return [];
  }
  const fields: Array<[string, string]> = [];
  for (const [key, value] of form) if (typeof value === 'string') fields.push([key, value]);
  return fields;
}

/**
 * `::ffff:127.0.0.1` (an IPv4 caller on a dual-stack socket) is the IPv4 address, as WHMCS sees it.
 *
 * @example normalizeIp('::ffff:10.0.0.7') // '10.0.0.7'
 */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}
