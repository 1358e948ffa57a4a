import { encodeNvp } from './nvp.ts';
import { encodePhpJsonBytes } from './php-json.ts';
import { encodeWhmcsXml } from './xml.ts';

/** WHMCS's three answer formats (`responsetype`). */
export type ResponseFormat = 'json' | 'xml' | 'nvp';

const CONTENT_TYPES: Readonly<Record<ResponseFormat, string>> = {
  json: 'application/json',
  xml: 'text/xml; charset=utf-8',
  nvp: 'text/plain; charset=utf-8',
};

/** The format asked for with `responsetype`; anything unknown counts as not asked. */
export function requestedFormat(params: Record<string, string>): ResponseFormat | undefined {
  const asked = (params.responsetype ?? '').trim().toLowerCase();
  return asked === 'json' || asked === 'xml' || asked === 'nvp' ? asked : undefined;
}

/**
 * A result as WHMCS writes it in `format`, in UTF-8 bytes, with its Content-Type. `versionText`
 * and `action` (lower case) are what the XML names.
 *
 * @example new TextDecoder().decode(encodeResult('nvp', errorResult('IP Banned'), { versionText: '8.12.1', action: '' }).body)
 */
export function encodeResult(
  format: ResponseFormat,
  result: Record<string, unknown>,
  xml: { versionText: string; action: string },
): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const body =
    format === 'json'
      ? encodePhpJsonBytes(result)
      : new TextEncoder().encode(
          format === 'xml' ? encodeWhmcsXml(xml.versionText, xml.action, result) : encodeNvp(result),
        );
  return { body, contentType: CONTENT_TYPES[format] };
}

/** An error before or inside an action: `{"result":"error","message":...}`. */
export function errorResult(message: string): Record<string, unknown> {
  return { result: 'error', message };
}

/** GetInvoices' envelope, as WHMCS 8 answers it: zero rows is `invoices: []` (an empty PHP array). */
export function getInvoicesResult(page: {
  totalresults: number;
  startnumber: number;
  rows: readonly unknown[];
}): Record<string, unknown> {
  return {
    result: 'success',
    totalresults: page.totalresults,
    startnumber: page.startnumber,
    numreturned: page.rows.length,
    invoices: page.rows.length === 0 ? [] : { invoice: page.rows },
  };
}
