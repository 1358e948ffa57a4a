/*
 * CSV export of any table: RFC 4180 quoting, a byte-order mark so spreadsheet programs read UTF-8,
 * and text cells that begin with `=`, `+`, `-`, `@` (a formula to a spreadsheet) prefixed with `'`
 * so that a client named `=HYPERLINK(...)` stays a name. Amounts are exported as exact decimals.
 */

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** A number column: its values are written as they are, never prefixed. */
  numeric?: boolean;
}

function cell(value: string | number | null | undefined, numeric: boolean): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (!numeric && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text (with a header line, CRLF line ends). */
export function toCsv<T>(columns: ReadonlyArray<CsvColumn<T>>, rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.header, false)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row), c.numeric ?? false)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Offers the CSV as a download named `name` (without asking the server). */
export function downloadCsv(name: string, csv: string): void {
  saveBlob(new Blob([`\ufeff${csv}`], { type: 'text/csv;charset=utf-8' }), name);
}

/** Offers bytes already in the page (a table's CSV, a file the proxy answered) as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
