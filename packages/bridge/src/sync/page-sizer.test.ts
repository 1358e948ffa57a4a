import { describe, expect, it } from 'vitest';
import { LatencySizer } from './page-sizer.ts';

describe('the latency sizer', () => {
  it('starts where the last run’s pages had grown to, within pageSize and the largest allowed', () => {
    const at = (resume?: number) =>
      new LatencySizer({ start: 250, max: 999, budgetMs: 2_000, ...(resume ? { resume } : {}) }).size();
    expect(at()).toBe(250);
    expect(at(999)).toBe(999);
    expect(at(600)).toBe(600);
    // A remembered size is no licence past today's limits, nor below the configured size.
    expect(at(5_000)).toBe(999);
    expect(at(10)).toBe(250);
    expect(new LatencySizer({ start: 100, max: 100, budgetMs: 2_000, resume: 999 }).size()).toBe(100);
  });

  it('still shrinks a remembered size when WHMCS answers slower than the budget', () => {
    const sizer = new LatencySizer({ start: 250, max: 999, budgetMs: 2_000, resume: 999 });
    sizer.observe(999, 4_000);
    expect(sizer.size()).toBe(499);
  });

  it('never shrinks below the configured page size, however slow a page (more calls would cost more)', () => {
    const sizer = new LatencySizer({ start: 100, max: 999, budgetMs: 400, resume: 800 });
    sizer.observe(800, 1_600);
    expect(sizer.size()).toBe(200);
    // At load a page of a few rows takes as long as one of hundreds: it shrank to 1 row.
    sizer.observe(200, 5_000);
    expect(sizer.size()).toBe(100);
    sizer.observe(100, 30_000);
    expect(sizer.size()).toBe(100);
  });
});
