function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'));
}

function scalar(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '1';
  return escapeXml(String(value));
}

function element(name: string, value: unknown): string {
  // WHMCS repeats the parent tag for each entry of a list: <invoice>..</invoice><invoice>..</invoice>
  if (Array.isArray(value)) return value.map((entry) => element(name, entry)).join('');
  if (value !== null && typeof value === 'object') {
    return `<${name}>${body(value as Record<string, unknown>)}</${name}>`;
  }
  return `<${name}>${scalar(value)}</${name}>`;
}

function body(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) =>
      Array.isArray(value) && value.length === 0 ? `<${key}></${key}>` : element(key, value),
    )
    .join('');
}

/**
 * WHMCS's XML answer: `<?xml ...?><whmcsapi version="8.12.1"><action>getinvoices</action>...`.
 * Text is XML-escaped over the stored (entity-encoded) value, so a parser yields what JSON carries.
 *
 * @example encodeWhmcsXml('8.12.1', 'getinvoices', { result: 'success' })
 */
export function encodeWhmcsXml(versionText: string, action: string, result: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="utf-8"?><whmcsapi version="${versionText}"><action>${escapeXml(
    action,
  )}</action>${body(result)}</whmcsapi>`;
}
