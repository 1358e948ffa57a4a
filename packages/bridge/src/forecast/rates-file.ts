import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRates, type RateSet } from '@forecaster/forecast';

/*
 * The operator's exchange rates: `<dataDir>/rates.csv` (the ECB's historical CSV works as it is;
 * format in @forecaster/forecast rates.ts). Read again when the file changes; never fetched from
 * the internet.
 */

export const RATES_FILE = 'rates.csv';

export class RatesFile {
  readonly #path: string;
  #loaded: { mtimeMs: number; size: number; rates: RateSet } | null = null;

  constructor(dataDir: string) {
    this.#path = join(dataDir, RATES_FILE);
  }

  /** The rates, or null when the operator loaded none. A malformed file is an error, not "no rates". */
  async rates(): Promise<RateSet | null> {
    const info = await stat(this.#path).catch(() => null);
    if (!info) return null;
    if (this.#loaded && this.#loaded.mtimeMs === info.mtimeMs && this.#loaded.size === info.size) {
      return this.#loaded.rates;
    }
    const rates = parseRates(await readFile(this.#path, 'utf8'));
    this.#loaded = { mtimeMs: info.mtimeMs, size: info.size, rates };
    return rates;
  }
}
