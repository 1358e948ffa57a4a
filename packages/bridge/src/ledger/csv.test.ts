import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, stringifyCsv } from './csv.ts';

describe('CSV', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside fields, with the line each record starts on', () => {
    const text = '\uFEFFa,b,c\r\n1,"two, and ""2""","multi\nline"\n\n3,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, and "2"', 'multi\nline'] },
      { line: 5, fields: ['3', '', ''] },
    ]);
  });

  it('counts lines across mixed line ends, CRLF inside quotes and runs of blank lines', () => {
    const text = 'a,b\r\n"x\r\ny",1\n\n\r\n2,"p\n\nq"\n3,4';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\r\ny', '1'] },
      { line: 6, fields: ['2', 'p\n\nq'] },
      { line: 9, fields: ['3', '4'] },
    ]);
  });

  it('names the line of a syntax error', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is not closed'));
    expect(() => parseCsv('a,b\nx,y"z\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/line 2: text after a closing quote/);
  });

  it('round-trips any fields (random, 2,000 records)', () => {
    const alphabet = ['a', 'Z', '0', ',', '"', '\n', '\r\n', ' ', 'é', '€', ';', '\t'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const rows = Array.from({ length: 2000 }, () =>
      Array.from({ length: 4 }, () =>
        Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join(''),
      ),
    );
    // A record of one empty field is a blank line, which readers skip: give each row a key.
    const keyed = rows.map((r, i) => [String(i), ...r]);
    expect(parseCsv(stringifyCsv(keyed)).map((r) => r.fields)).toEqual(keyed);
  });
});
