import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';
import { seededRandom } from './random.ts';

describe('Histogram', () => {
  it('answers ranks and counts below as the sorted values would', () => {
    const random = seededRandom(9);
    const values = Array.from({ length: 500 }, () => Math.floor(random() * 60) - 20);
    const h = new Histogram(-20, 39);
    for (const v of values) h.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    expect(h.size).toBe(500);
    for (let k = 0; k < sorted.length; k++) expect(h.at(k)).toBe(sorted[k]);
    for (let x = -25; x <= 45; x++) expect(h.below(x)).toBe(sorted.filter((v) => v < x).length);
  });
});
