import { LedgerColumns } from '@forecaster/forecast';
import { describe, expect, it } from 'vitest';
import { MAX_ANSWERS, memoOn } from './service.ts';

describe('answers kept per set of columns', () => {
  it('drops the least recently asked first: an answer asked again outlives answers asked once', () => {
    const memo = memoOn(new LedgerColumns(0));
    let computed = 0;
    const ask = (key: string) =>
      memo([key], () => {
        computed++;
        return key;
      });
    ask('forecast');
    for (let k = 0; k < 3 * MAX_ANSWERS; k++) {
      ask(`client ${k}`);
      // The forecast is asked between the one-off questions: it stays kept.
      expect(ask('forecast')).toBe('forecast');
    }
    expect(computed).toBe(1 + 3 * MAX_ANSWERS);
    // The oldest one-off question was dropped; the newest is still kept.
    ask(`client ${3 * MAX_ANSWERS - 1}`);
    expect(computed).toBe(1 + 3 * MAX_ANSWERS);
    ask('client 0');
    expect(computed).toBe(2 + 3 * MAX_ANSWERS);
  });
});
