import { encodePhpJson, type WireInvoice } from '@forecaster/whmcs-client';

/*
 * WHMCS's three answer formats. JSON is PHP's json_encode with the HEX flags; XML is WHMCS's
 * compact `<whmcsapi>` document; NVP is the deprecated `key=value;key=value` text.
 */

export type ResponseFormat = 'json' | 'xml' | 'nvp';

/** The WHMCS release whose answers the facade reproduces (the XML `version` attribute). */
export const WHMCS_VERSION_TEXT = '8.12.1';

const CONTENT_TYPES: Record<ResponseFormat, string> = {
  json: 'application/json',
  xml: 'text/xml; charset=utf-8',
  nvp: 'text/plain; charset=utf-8',
};

/** The format asked for with `responsetype`; anything unknown counts as not asked. */
export function requestedFormat(params: Record<string, string>): ResponseFormat | undefined {
  const asked = (params.responsetype ?? '').trim().toLowerCase();
  return asked === 'json' || asked === 'xml' || asked === 'nvp' ? asked : undefined;
}

/** GetInvoices' envelope; zero rows is `invoices: []`, as WHMCS sends an empty PHP array. */
export function getInvoicesResult(page: {
  totalresults: number;
  startnumber: number;
  rows: WireInvoice[];
}): Record<string, unknown> {
  return {
    result: 'success',
    totalresults: page.totalresults,
    startnumber: page.startnumber,
    numreturned: page.rows.length,
    invoices: page.rows.length === 0 ? [] : { invoice: page.rows },
  };
}

export function errorResult(message: string): Record<string, unknown> {
  return { result: 'error', message };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'));
}

function xmlScalar(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '1';
  return escapeXml(String(value));
}

function xmlElement(name: string, value: unknown): string {
  // WHMCS repeats the tag for each entry of a list: <invoice>..</invoice><invoice>..</invoice>
  if (Array.isArray(value)) return value.map((entry) => xmlElement(name, entry)).join('');
  if (value !== null && typeof value === 'object') {
    return `<${name}>${xmlBody(value as Record<string, unknown>)}</${name}>`;
  }
  return `<${name}>${xmlScalar(value)}</${name}>`;
}

function xmlBody(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) =>
      Array.isArray(value) && value.length === 0 ? `<${key}></${key}>` : xmlElement(key, value),
    )
    .join('');
}

/** PHP prints a nested value as `Array`. */
function nvp(result: Record<string, unknown>): string {
  return Object.entries(result)
    .map(([key, value]) => {
      if (value !== null && typeof value === 'object') return `${key}=Array`;
      if (value === null || value === undefined || value === false) return `${key}=`;
      return `${key}=${value === true ? '1' : String(value)}`;
    })
    .join(';');
}

/** The answer's body and Content-Type in `format`; `action` is what the XML names (lower case). */
export function encodeResult(
  format: ResponseFormat,
  result: Record<string, unknown>,
  action: string,
): { body: string; contentType: string } {
  let body: string;
  if (format === 'json') body = encodePhpJson(result);
  else if (format === 'xml') {
    // Text is XML-escaped over the stored (entity-encoded) value, so a parser yields what JSON carries.
    body = `<?xml version="1.0" encoding="utf-8"?><whmcsapi version="${WHMCS_VERSION_TEXT}"><action>${escapeXml(
      action,
    )}</action>${xmlBody(result)}</whmcsapi>`;
  } else body = nvp(result);
  return { body, contentType: CONTENT_TYPES[format] };
}
