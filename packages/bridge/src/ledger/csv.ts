import { CsvError, parse } from 'csv-parse/sync';

/*
 * CSV as RFC 4180 writes it: comma-separated, a field quoted when it holds a comma, a quote, a
 * line break or leading/trailing space, quotes doubled inside; CRLF between records. Reading
 * (csv-parse) also takes LF line ends, mixed, and a UTF-8 byte-order mark (what spreadsheets
 * save). An import's error list needs the physical line each record starts on. The writer stays
 * ours: five lines, and it must quote leading/trailing space, which spreadsheets would trim.
 */

export interface CsvRecord {
  /** The physical line the record starts on (1 = the header). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** What csv-parse's codes mean for someone fixing a spreadsheet export. */
const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote (a quote inside a field must be doubled: "")',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the field, double the quote)',
};

const newlines = (field: string) => {
  let n = 0;
  for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) n++;
  return n;
};

/** Parses CSV text into records (blank lines skipped). */
export function parseCsv(text: string): CsvRecord[] {
  let parsed: string[][];
  try {
    // Blank lines are kept (as one empty field) and skipped below: counting them here gives each
    // record's first line without csv-parse's per-record `info`, which made it 2-3 times slower.
    parsed = parse(text, { bom: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] });
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 1;
      throw new CsvSyntaxError(line, SYNTAX[err.code] ?? err.message.replace(/ at line \d+.*$/s, ''));
    }
    throw err;
  }
  const records: CsvRecord[] = [];
  let line = 1;
  for (const fields of parsed) {
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line, fields });
    line += 1 + fields.reduce((n, f) => n + newlines(f), 0);
  }
  return records;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Writes records as CSV (CRLF line ends, a final CRLF). */
export function stringifyCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows
    .map(
      (row) => `${row.map((f) => (NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')}\r\n`,
    )
    .join('');
}
