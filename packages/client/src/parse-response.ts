import { errorFromWhmcsMessage, WhmcsHttpError, WhmcsResponseError } from './errors.ts';
import { parseRetryAfter } from './retry.ts';

/** True for any 3xx: the client never follows one (it would carry the credentials along). */
export function isRedirect(response: Response): boolean {
  // A browser's fetch answers a manual redirect with an opaque response of status 0.
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The `redirected` error: where it pointed, and the address to configure instead. */
export function redirectError(
  response: Response,
  endpoint: string,
  action: string,
  redact: (s: string) => string,
): WhmcsHttpError {
  const location = response.headers.get('location');
  let target: URL | undefined;
  try {
    target = location ? new URL(location, endpoint) : undefined;
  } catch {
    target = undefined;
  }
  const shown = target ? redact(target.toString()) : '(a target the answer does not show)';
  const fix = !target
    ? 'Find out which address WHMCS answers on and configure that one.'
    : target.protocol === 'http:' && !isLoopbackHost(target.hostname)
      ? 'It points to plain http://, which would send the secret unencrypted: configure the https:// address WHMCS answers on.'
      : `If that is WHMCS, configure ${shown} as its URL.`;
  void response.body?.cancel().catch(() => {});
  return new WhmcsHttpError(
    `WHMCS's address answered ${action} with HTTP ${response.status || 'redirect'} to ${shown}. The client never follows a redirect: it would carry the API credentials there. ${fix}`,
    {
      action,
      status: response.status,
      excerpt: '',
      code: 'redirected',
      ...(target ? { location: shown } : {}),
    },
  );
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Reads the body up to `max` bytes; past it, stops reading and fails without a retry. */
export async function readCapped(response: Response, max: number, action: string): Promise<ArrayBuffer> {
  const tooLarge = (size: string) =>
    new WhmcsResponseError(
      `WHMCS's ${action} answer is larger than ${max} bytes (${size}): not read. Ask for smaller pages.`,
      { action, status: response.status, code: 'response_too_large' },
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge(`${declared} bytes declared`);
  }
  if (!response.body) return new ArrayBuffer(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${size} bytes sent`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns an answer's bytes into WHMCS's JSON body, or the right error: WHMCS error envelopes
 * (also inside 2xx, and as NVP or XML when `responsetype` was lost), pages from something in
 * front of WHMCS, and bodies that are not JSON or not UTF-8. Every string is redacted first.
 */
export function parseBody(
  response: Response,
  bytes: ArrayBuffer,
  action: string,
  redact: (s: string) => string,
): unknown {
  const status = response.status;
  const ok = status >= 200 && status < 300;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    if (!ok) throw httpError(response, '(binary or non-UTF-8 body)', action);
    throw new WhmcsResponseError(`WHMCS's ${action} answer is not valid UTF-8`, { action, status });
  }
  const json = parseJson(text);
  if (json !== undefined) {
    const envelope = json as { result?: unknown; status?: unknown; message?: unknown };
    if (
      envelope &&
      typeof envelope === 'object' &&
      (envelope.result === 'error' || envelope.status === 'error')
    ) {
      throw errorFromWhmcsMessage(redact(String(envelope.message ?? '')), { status, action });
    }
    if (!ok) throw httpError(response, redact(text), action);
    return json;
  }
  // Errors raised before the action runs come back as NVP or XML when responsetype was lost.
  const nvp = /^\s*result=error;message=(.*)$/s.exec(text);
  const xml = /<result>\s*error\s*<\/result>[\s\S]*?<message>([\s\S]*?)<\/message>/i.exec(text);
  const message = nvp?.[1] ?? xml?.[1];
  if (message !== undefined) throw errorFromWhmcsMessage(redact(message.trim()), { status, action });
  if (!ok || /^\s*</.test(text)) throw httpError(response, redact(text), action);
  throw new WhmcsResponseError(
    `WHMCS's ${action} answer is not valid JSON (${excerptOf(redact(text), 80)})`,
    {
      action,
      status,
    },
  );
}

/** JSON.parse, tolerating a BOM and PHP notices printed before the JSON body. */
function parseJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.lastIndexOf('{"result"');
    if (start > 0) {
      try {
        return JSON.parse(trimmed.slice(start));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

function httpError(response: Response, body: string, action: string): WhmcsHttpError {
  const excerpt = excerptOf(body, 200);
  const what = /^\s*</.test(body) ? 'an HTML page' : 'a body';
  return new WhmcsHttpError(
    `Something other than WHMCS answered ${action}: HTTP ${response.status} with ${what} (${excerpt || 'empty'})`,
    {
      action,
      status: response.status,
      excerpt,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    },
  );
}

function excerptOf(body: string, max: number): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
