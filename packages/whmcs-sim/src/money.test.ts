import { describe, expect, it } from 'vitest';
import { formatCents, formatRate, parseCents, parseRate } from './money.ts';

describe('money', () => {
  it('formats cents as decimal(16,2) strings without separators', () => {
    expect(formatCents(1595)).toBe('15.95');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456789)).toBe('1234567.89');
    expect(formatCents(-500)).toBe('-5.00');
  });

  it('parses decimal strings exactly', () => {
    expect(parseCents('15.95')).toBe(1595);
    expect(parseCents('0.1')).toBe(10);
    expect(parseCents('-3')).toBe(-300);
    expect(() => parseCents('1,234.00')).toThrow(TypeError);
  });

  it('formats and parses tax rates with three decimals', () => {
    expect(formatRate(20000)).toBe('20.000');
    expect(formatRate(9975)).toBe('9.975');
    expect(parseRate('7.25')).toBe(7250);
  });
});
