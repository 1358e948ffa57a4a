import { describe, expect, it } from 'vitest';
import { toDecimal } from './decimal.ts';
import { toUnits } from './money.ts';
import { plainDate, zonedDateTime } from './zoned-time.ts';

/*
 * toDecimal, toUnits, zonedDateTime and plainDate read WHMCS's usual forms without a regex (a
 * sync reads some twenty values an invoice). Each must answer exactly as the regex parser it
 * short-cuts: the references below are those parsers as they were, run over the forms WHMCS
 * sends and thousands of near misses.
 */

function referenceToDecimal(value: string, scale: number): string {
  if (value === '') return scale > 0 ? `0.${'0'.repeat(scale)}` : '0';
  const text = value.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError('not a decimal');
  const sign = m[1] ?? '';
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').padEnd(scale, '0');
  const isZero = /^0$/.test(int) && /^0*$/.test(frac);
  return `${isZero ? '' : sign}${int}${frac ? `.${frac}` : ''}`;
}

function referenceToUnits(decimal: string): bigint {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(decimal);
  const int = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || (int === '' && frac === '')) throw new RangeError('not a decimal');
  if (frac.length > 4 && !/^0*$/.test(frac.slice(4))) throw new RangeError('more than 4 decimals');
  const units = BigInt(`${int || '0'}${frac.slice(0, 4).padEnd(4, '0')}`);
  return m[1] === '-' ? -units : units;
}

/** The answer, or the error's class: both must agree. */
function outcome<T>(run: () => T): T | string {
  try {
    return run();
  } catch (err) {
    return err instanceof Error ? err.constructor.name : 'thrown';
  }
}

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** WHMCS's amounts, and strings of the same alphabet that are one slip away from them. */
function amounts(n: number): string[] {
  const r = random(11);
  const pick = (chars: string) => chars[Math.floor(r() * chars.length)] as string;
  const out = [
    '0',
    '0.00',
    '-0.00',
    '-0',
    '00',
    '007.50',
    '5.',
    '.5',
    '-.5',
    '+1.00',
    ' 1.00',
    '1.00 ',
    '-',
    '.',
    '',
  ];
  out.push(
    '99999999999.9999',
    '-99999999999.9999',
    '100000000000.0000',
    '123456789012345678.12',
    '1.23450',
    '1.23456',
  );
  for (let i = 0; i < n; i++) {
    const whole = Array.from({ length: Math.floor(r() * 14) }, () => pick('0123456789')).join('');
    const frac = Array.from({ length: Math.floor(r() * 7) }, () => pick('0123456789')).join('');
    let text = `${r() < 0.2 ? '-' : ''}${whole}${r() < 0.8 ? `.${frac}` : ''}`;
    if (r() < 0.15) {
      const at = Math.floor(r() * (text.length + 1));
      text = `${text.slice(0, at)}${pick('-+. e,x0')}${text.slice(at)}`;
    }
    out.push(text);
  }
  return out;
}

describe('fast paths answer as the regex parsers they short-cut', () => {
  it('toDecimal, at scales 0, 2 and 3', () => {
    for (const text of amounts(20_000)) {
      for (const scale of [0, 2, 3]) {
        expect(
          outcome(() => toDecimal(text, scale)),
          `${JSON.stringify(text)} at ${scale}`,
        ).toEqual(outcome(() => referenceToDecimal(text, scale)));
      }
    }
  });

  it('toUnits', () => {
    for (const text of amounts(20_000)) {
      expect(
        outcome(() => toUnits(text)),
        JSON.stringify(text),
      ).toEqual(outcome(() => referenceToUnits(text)));
    }
  });

  it('zonedDateTime and plainDate', () => {
    const r = random(5);
    const two = (n: number) => String(n).padStart(2, '0');
    const texts = ['2024-03-31 02:30:00', '2024-10-27 02:30:00', '2024-02-29T23:59:59', '2024-01-15 10:00'];
    texts.push(
      '2024-01-15',
      '2024-1-15 10:00:00',
      '2024-01-15 10:00:00x',
      '2024-01-15  10:00:00',
      '2024/01/15 10:00:00',
    );
    for (let i = 0; i < 3000; i++) {
      const text = `${1990 + Math.floor(r() * 50)}-${two(1 + Math.floor(r() * 12))}-${two(1 + Math.floor(r() * 28))}${r() < 0.5 ? ' ' : 'T'}${two(Math.floor(r() * 24))}:${two(Math.floor(r() * 60))}:${two(Math.floor(r() * 60))}`;
      const at = Math.floor(r() * 19);
      texts.push(
        text,
        r() < 0.3
          ? `${text.slice(0, at)}${'9:- T/x'[Math.floor(r() * 7)]}${text.slice(at + 1)}`
          : text.slice(0, 10),
      );
    }
    const reference = (text: string, timeZone: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
      if (!m) throw new RangeError('not a datetime');
      const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
      // The zone's offset at that wall-clock time, from the slow path of the same function.
      const offset = (zonedDateTime(`${y}-${mo}-${d} ${h}:${mi}`, timeZone) as string).slice(19);
      return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`;
    };
    for (const timeZone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      for (const text of texts) {
        expect(
          outcome(() => zonedDateTime(text, timeZone)),
          `${text} in ${timeZone}`,
        ).toEqual(outcome(() => reference(text, timeZone)));
      }
    }
    for (const text of texts) {
      const m = /^(\d{4}-\d{2}-\d{2})/.exec(text);
      expect(
        outcome(() => plainDate(text)),
        text,
      ).toEqual(m?.[1] ?? 'RangeError');
    }
  });
});
