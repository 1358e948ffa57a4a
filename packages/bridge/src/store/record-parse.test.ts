import { describe, expect, it } from 'vitest';
import { toForecast } from './forecast-log.ts';
import { toRecord } from './ledger.ts';
import { parseRecord, storedAnswerSchema } from './record-schemas.ts';

/*
 * JSON columns are parsed with their record's schema on read (issue 16 item 4): a column that
 * does not hold its shape is an error where it is read, not a cast that fails somewhere later.
 */

const recordRow = (data: string) => ({
  kind: 'commitment' as const,
  id: 'cm_0123456789',
  version: 1,
  data,
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
  deleted_at: null,
  seq: 1,
});
const forecastRow = (body: string) => ({
  id: 1,
  issued_at: '2024-01-01T00:00:00.000Z',
  as_of: '2024-01-01',
  data_as_of: '2024-01-01T00:00:00.000Z',
  sources: 'eu',
  method: 'm',
  version: '1',
  body,
});

describe('JSON columns read with their schemas', () => {
  it('ledger data, kept answers and forecast bodies: their shape is read back, anything else refused', () => {
    expect(toRecord(recordRow('{"title":"Rack"}')).data).toEqual({ title: 'Rack' });
    expect(() => toRecord(recordRow('[1,2]'))).toThrow();
    expect(() => toRecord(recordRow('"text"'))).toThrow();

    const answer = { status: 201, body: { data: [] }, headers: { ETag: '"1"' } };
    expect(parseRecord(storedAnswerSchema, JSON.stringify(answer))).toEqual(answer);
    expect(() => parseRecord(storedAnswerSchema, '{"status":"201","headers":{}}')).toThrow();
    expect(() => parseRecord(storedAnswerSchema, '{"status":201,"headers":{"ETag":1}}')).toThrow();

    expect(toForecast(forecastRow('{"months":[]}')).body).toEqual({ months: [] });
    expect(() => toForecast(forecastRow('null'))).toThrow();
  });
});
