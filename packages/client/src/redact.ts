/** The request parameters that carry a credential; an echoed request body shows them as `name=value`. */
const CREDENTIAL_PARAMS = ['identifier', 'secret', 'username', 'password', 'accesskey'];

/** `value` as `application/x-www-form-urlencoded` writes it: space as `+`, `!'()~*` escaped. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/** PHP's json_encode with the HEX flags, as WHMCS echoes a value inside a JSON string. */
const phpJsonEscape = (value: string) =>
  value
    .split('')
    .map((c) => {
      const code = c.charCodeAt(0);
      if (c === '\\') return '\\\\';
      if ('<>&\'"'.includes(c)) return `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`;
      if (code < 0x20 || code > 0x7e) return `\\u${code.toString(16).padStart(4, '0')}`;
      return c;
    })
    .join('');

/** htmlspecialchars with ENT_QUOTES, as a PHP error page echoes a value. */
const htmlEscape = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );

/** Every way the transport, or an echo of what it sent, can write `secret`. */
function spellings(secret: string): string[] {
  const encoded = [encodeURIComponent(secret), formEncode(secret)];
  return [
    secret,
    secret.trim(),
    ...encoded,
    // The same with the other space convention.
    ...encoded.map((e) => e.replace(/\+/g, '%20')),
    ...encoded.map((e) => e.replace(/%20/g, '+')),
    phpJsonEscape(secret),
    htmlEscape(secret),
  ];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for `needle` in which percent-escapes match in either case (`%2A`, `%2a`). */
const pattern = (needle: string) =>
  escapeRegExp(needle).replace(/%([0-9A-Fa-f])([0-9A-Fa-f])/g, (_, a: string, b: string) => {
    const either = (c: string) => (/[0-9]/.test(c) ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`);
    return `%${either(a)}${either(b)}`;
  });

/**
 * Replaces every secret, in every form it can show up in (as is, trimmed, URL-encoded, form
 * encoded with `+` for space, with either case of percent-escapes, JSON- or HTML-escaped), with
 * `***`, and the value of every credential parameter (`identifier=`, `secret=`, `password=`,
 * `accesskey=`, `username=`) in an echoed request body. The one redactor of the project: the
 * bridge's logs and `forecaster-bridge check` use it too.
 *
 * @example createRedactor([secret])(`body=${secret}`) // 'body=***'
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.flatMap(spellings))]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  const params = new RegExp(`(^|[?&;\\s"'])(${CREDENTIAL_PARAMS.join('|')})=[^&\\s"'<;]*`, 'gi');
  const secretsPattern = needles.length ? new RegExp(needles.map(pattern).join('|'), 'g') : undefined;
  return (text) => {
    const out = secretsPattern ? text.replace(secretsPattern, '***') : text;
    return out.replace(params, (_, lead: string, name: string) => `${lead}${name}=***`);
  };
}
