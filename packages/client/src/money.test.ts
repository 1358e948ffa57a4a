import { describe, expect, it } from 'vitest';
import { formatUnits, toUnits } from './money.ts';

describe('toUnits', () => {
  it('parses decimal strings exactly at scale 4', () => {
    expect(toUnits('15.95')).toBe(159500n);
    expect(toUnits('0.10')).toBe(1000n);
    expect(toUnits('7')).toBe(70000n);
    expect(toUnits('.5')).toBe(5000n);
    expect(toUnits('3.')).toBe(30000n);
    expect(toUnits(' 1.2345 ')).toBe(12345n);
    expect(toUnits('0.000100')).toBe(1n);
  });

  it('keeps the sign, and minus zero is zero', () => {
    expect(toUnits('-0.10')).toBe(-1000n);
    expect(toUnits('-123.4567')).toBe(-1234567n);
    expect(toUnits('+2.5')).toBe(25000n);
    expect(toUnits('-0.00')).toBe(0n);
  });

  it('handles values far beyond a float’s exact range', () => {
    expect(toUnits('92233720368547.7580')).toBe(922337203685477580n);
    expect(toUnits('123456789012345678901234567890.12')).toBe(1234567890123456789012345678901200n);
  });

  it('refuses what it cannot store exactly', () => {
    expect(() => toUnits('1.23456')).toThrow(/more than 4 decimals/);
    expect(() => toUnits('')).toThrow(RangeError);
    expect(() => toUnits('.')).toThrow(RangeError);
    expect(() => toUnits('1e3')).toThrow(RangeError);
    expect(() => toUnits('12,50')).toThrow(RangeError);
    expect(() => toUnits('abc')).toThrow(RangeError);
  });
});

describe('formatUnits', () => {
  it('prints two decimals unless finer digits exist, then up to four', () => {
    expect(formatUnits(0n)).toBe('0.00');
    expect(formatUnits(159500n)).toBe('15.95');
    expect(formatUnits(10000n)).toBe('1.00');
    expect(formatUnits(12340n)).toBe('1.234');
    expect(formatUnits(12345n)).toBe('1.2345');
    expect(formatUnits(1n)).toBe('0.0001');
    expect(formatUnits(100n)).toBe('0.01');
  });

  it('prints negative values', () => {
    expect(formatUnits(-1000n)).toBe('-0.10');
    expect(formatUnits(-12345n)).toBe('-1.2345');
    expect(formatUnits(-1_0000_0000n)).toBe('-10000.00');
  });

  it('accepts safe integer numbers and refuses others', () => {
    expect(formatUnits(2500)).toBe('0.25');
    expect(formatUnits(-2500)).toBe('-0.25');
    expect(() => formatUnits(0.5)).toThrow(RangeError);
    expect(() => formatUnits(2 ** 60)).toThrow(RangeError);
  });

  it('prints large values exactly', () => {
    expect(formatUnits(922337203685477580n)).toBe('92233720368547.758');
    expect(formatUnits(9_007_199_254_740_993n * 10_000n)).toBe('9007199254740993.00');
  });
});

describe('round trips', () => {
  it('adds without float error: 0.10 + 0.20 = 0.30', () => {
    expect(formatUnits(toUnits('0.10') + toUnits('0.20'))).toBe('0.30');
    expect(0.1 + 0.2).not.toBe(0.3); // the trap the units avoid
  });

  it('sums a long column exactly', () => {
    let sum = 0n;
    for (let i = 0; i < 1000; i++) sum += toUnits('0.01');
    expect(formatUnits(sum)).toBe('10.00');
    expect(formatUnits(toUnits('100.00') + toUnits('-100.01'))).toBe('-0.01');
  });

  it('formats then parses back to the same units', () => {
    for (const units of [0n, 1n, -1n, 99n, 100n, 12345n, -987654321n, 10n ** 20n + 7n]) {
      expect(toUnits(formatUnits(units))).toBe(units);
    }
    for (const text of ['0.00', '15.95', '-0.10', '1.2345', '1000000.50']) {
      expect(formatUnits(toUnits(text))).toBe(text);
    }
  });
});
