import { describe, expect, it } from 'vitest';
import { dispositionName } from './api.ts';
import { documentedColumns } from './csv-columns.ts';

describe("the CSV panel's columns", () => {
  it("are read from the bridge's description of its export, meanings with semicolons included", () => {
    const paths = {
      '/v1/commitments/csv': {
        get: {
          description:
            'Columns, in this order: `id`: The record id on export; ignored on import; `end_date`: YYYY-MM-DD, last day; empty: open-ended; `notes`: Free text.',
        },
      },
    };
    expect(documentedColumns(paths, '/v1/commitments/csv')).toEqual([
      { name: 'id', meaning: 'The record id on export; ignored on import' },
      { name: 'end_date', meaning: 'YYYY-MM-DD, last day; empty: open-ended' },
      { name: 'notes', meaning: 'Free text' },
    ]);
    expect(documentedColumns({}, '/v1/commitments/csv')).toEqual([]);
  });
});

describe('a download’s name', () => {
  it('is the UTF-8 filename* when there is one, else the plain filename, else the fallback', () => {
    expect(
      dispositionName(
        `attachment; filename="Vertrag_M_rz.pdf"; filename*=UTF-8''Vertrag%20M%C3%A4rz.pdf`,
        'x',
      ),
    ).toBe('Vertrag März.pdf');
    expect(dispositionName('attachment; filename="commitments.csv"', 'x')).toBe('commitments.csv');
    expect(dispositionName(`attachment; filename*=UTF-8''%E0%A4%A`, 'x')).toBe('x');
    expect(dispositionName(null, 'fallback')).toBe('fallback');
  });
});
