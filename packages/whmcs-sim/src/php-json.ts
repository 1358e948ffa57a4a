// PHP's json_encode($data, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT) as WHMCS
// answers, with one documented difference from PHP's default: '/' is left unescaped.

const HEX_FLAGS: Record<string, string> = {
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  "'": '\\u0027',
  '"': '\\u0022',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Control characters, the HEX_* characters, the backslash, and every non-ASCII UTF-16 unit
// (an astral character becomes its surrogate pair, as PHP writes it).
// biome-ignore lint/suspicious/noControlCharactersInRegex: json_encode escapes control characters too
const NEEDS_ESCAPE = /[\u0000-\u001f"&'<>\\\u0080-\uffff]/g;

function escapeUnit(char: string): string {
  return HEX_FLAGS[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function encodeString(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, escapeUnit)}"`;
}

/**
 * Encodes a value as WHMCS's json_encode does: compact, keys in insertion order, an empty array
 * as `[]`, `< > & ' "` as `\u003C \u003E \u0026 \u0027 \u0022`, non-ASCII as lowercase `\uXXXX`.
 * @example phpJsonEncode({ name: 'Smith &amp; Sons' }) // '{"name":"Smith \u0026amp; Sons"}'
 */
export function phpJsonEncode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      if (!Number.isFinite(value)) return '0';
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(phpJsonEncode).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>);
      // PHP encodes an empty array as [] whatever it was meant to hold.
      if (entries.length === 0) return '[]';
      return `{${entries.map(([k, v]) => `${encodeString(k)}:${phpJsonEncode(v)}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}
