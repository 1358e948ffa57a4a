import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  loadWorldOptions,
  resolveWorldOptions,
  WORLD_PRESET_NAMES,
  worldOptionsSchema,
} from './world-options.ts';

describe('world options', () => {
  it('fills every default from an empty object (WHMCS defaults: 14-day lead, cron at 9, continuous invoicing off)', () => {
    const options = resolveWorldOptions({});
    expect(options.invoicing).toEqual({ leadDays: 14, leadDaysByCycle: {}, continuous: false, cronHour: 9 });
    expect(options.years).toBe(7);
    expect(options.fieldSet).toBe('8.x');
    expect(options.currencies.map((c) => c.code)).toEqual(['USD', 'EUR', 'GBP']);
    expect(options.payers.late).toEqual({ medianDays: 8, sigma: 0.8, defaultRate: 0.03 });
  });

  it('keeps the default of every key a partial object leaves out', () => {
    const options = resolveWorldOptions({
      payers: { late: { medianDays: 12 } },
      renewal: { annually: { first: 0.5 } },
    });
    expect(options.payers.late).toEqual({ medianDays: 12, sigma: 0.8, defaultRate: 0.03 });
    expect(options.renewal.annually).toEqual({ first: 0.5, later: 0.88 });
    expect(options.payers.veryLate.medianDays).toBe(45);
  });

  it('applies a preset under the explicit keys', () => {
    const growing = resolveWorldOptions({ preset: 'growing', acquisition: { monthlyRate: 0.05 } });
    expect(growing.acquisition.growth).toBe(0.35);
    expect(growing.acquisition.monthlyRate).toBe(0.05);
    const rise = resolveWorldOptions({ preset: 'price-rise', start: '2020-01-01', years: 5 });
    expect(rise.priceChanges).toEqual([{ date: '2023-10-01', percent: 12, appliesTo: 'all' }]);
    expect(resolveWorldOptions({ preset: 'fields-7x' }).fieldSet).toBe('7.x');
    for (const preset of WORLD_PRESET_NAMES) expect(() => resolveWorldOptions({ preset })).not.toThrow();
  });

  it('refuses unknown keys, bad dates and inconsistent currencies, naming the key', () => {
    const issue = (input: unknown) => {
      try {
        resolveWorldOptions(input as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ZodError);
        return (error as ZodError).issues.map((i) => i.path.join('.')).join(',');
      }
      throw new Error('accepted');
    };
    expect(issue({ clientz: 5 })).toBe('');
    expect(issue({ start: '2024-13-01' })).toBe('start');
    expect(issue({ payers: { mix: { 'on-time': 2, late: 0, 'very-late': 0, never: -1 } } })).toBe(
      'payers.mix.never',
    );
    expect(issue({ currencySwings: [{ code: 'JPY', from: '2022-01-01', percent: 10 }] })).toBe(
      'currencySwings.0.code',
    );
    expect(
      issue({
        currencies: [
          { code: 'USD', share: 1, rate: 1 },
          { code: 'USD', share: 1, rate: 1 },
        ],
      }),
    ).toBe('currencies');
  });

  it('loads a JSON file of options, and says which file is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'world-options-'));
    const good = join(dir, 'world.json');
    writeFileSync(good, JSON.stringify({ preset: 'shrinking', clients: 80, seed: 3 }));
    const options = loadWorldOptions(good);
    expect(options.clients).toBe(80);
    expect(options.acquisition.growth).toBe(-0.35);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ clients: 8 ');
    expect(() => loadWorldOptions(bad)).toThrow(/bad\.json: not JSON/);
  });

  it('describes itself as JSON Schema (for docs and editors)', () => {
    const schema = JSON.stringify(worldOptionsSchema.toJSONSchema?.() ?? {});
    expect(schema).toContain('unpaidCancelAfterDays');
  });
});
