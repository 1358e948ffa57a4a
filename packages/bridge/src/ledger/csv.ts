/*
 * CSV as RFC 4180 writes it: comma-separated, a field quoted when it holds a comma, a quote, a
 * line break or leading/trailing space, quotes doubled inside; CRLF between records. Reading
 * also takes LF line ends and a UTF-8 byte-order mark (what spreadsheets save). Small enough to
 * own: one concern, exact about line numbers (a record's first physical line), which an import's
 * error list needs.
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

/** Parses CSV text into records (blank lines skipped). */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) throw new CsvSyntaxError(start, 'a quoted field is not closed');
          const ch = s[i]!;
          if (ch === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          throw new CsvSyntaxError(
            line,
            'text after a closing quote (a quote inside a field must be doubled: "")',
          );
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] === '"')
            throw new CsvSyntaxError(
              line,
              'a quote inside an unquoted field (quote the field, double the quote)',
            );
          field += s[i];
          i++;
        }
      }
      fields.push(field);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '\r') i++;
      if (s[i] === '\n') i++;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Writes records as CSV (CRLF line ends, a final CRLF). */
export function stringifyCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows
    .map(
      (row) => row.map((f) => (NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',') + '\r\n',
    )
    .join('');
}
