import { describe, expect, it } from 'vitest';
import { type Machine, Report, RUN_PARAM } from './harness.ts';
import { mergeMarkdown } from './merge-report.ts';
import { formatMarkdown } from './report.ts';

const MACHINE: Machine = { cpu: 'test cpu', cores: 2, memoryGiB: 8, node: 'v20', os: 'linux' };

function run(when: string, value: number, sections: readonly string[]): Report {
  const report = new Report();
  for (const section of sections) {
    report.param(section, RUN_PARAM, when);
    report.param(section, 'size | pipe', `${value} rows`);
    report.add({ key: `${section}.a`, section, label: `${section}: a | b`, value, unit: 's' });
    report.add({
      key: `${section}.t`,
      section,
      label: `${section}: target`,
      value,
      unit: '',
      target: { op: '<=', limit: 5 },
    });
    report.note(section, `note of ${when}`);
  }
  return report;
}

function markdown(report: Report, merged?: string[]): string {
  const explain = Object.fromEntries(
    report.figures.map((f) => [f.key, `bound of ${f.section} at ${f.value}`]),
  );
  return formatMarkdown(report, MACHINE, {
    quick: false,
    date: new Date('2026-12-04T06:00:00Z'),
    durationS: 9,
    explain,
    merged,
  });
}

const TAIL =
  '<!-- forecast:begin -->\n## Forecast accuracy\n\n| world |\n<!-- forecast:end -->\n\n### After the markers\n';

describe('mergeMarkdown', () => {
  const previous = `${markdown(run('old run', 9, ['1. Full sync', '2. Incremental sync', '10. Late']))}\n${TAIL}`;
  const fresh = markdown(run('new run', 7, ['2. Incremental sync']), ['incremental']);
  const merged = mergeMarkdown(previous, fresh);

  it('replaces the rows, notes and missed targets of the sections the run measured', () => {
    expect(merged).toContain('| 2. Incremental sync | measured | new run |');
    expect(merged).not.toContain('| 2. Incremental sync | measured | old run |');
    expect(merged).toContain('- **2. Incremental sync.** note of new run');
    expect(merged).not.toContain('- **2. Incremental sync.** note of old run');
    expect(merged).toContain('bound of 2. Incremental sync at 7');
    expect(merged).not.toContain('bound of 2. Incremental sync at 9');
  });

  it('keeps every other section as it was, in section order, with the forecast section after', () => {
    for (const section of ['1. Full sync', '10. Late']) {
      expect(merged).toContain(`| ${section} | measured | old run |`);
      expect(merged).toContain(`| ${section} | size \\| pipe | 9 rows |`);
      expect(merged).toContain(`- **${section}.** note of old run`);
      expect(merged).toContain(`bound of ${section} at 9`);
    }
    const order = ['| 1. Full sync | measured', '| 2. Incremental sync | measured', '| 10. Late | measured'];
    const at = order.map((row) => merged.indexOf(row));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(merged.endsWith(TAIL)).toBe(true);
    expect(merged).toContain('`--only incremental --merge`');
  });

  it('keeps the tables whole: one header and separator each, as many rows as the two runs make', () => {
    expect(merged.match(/^\| section \| figure \|/gm)).toHaveLength(1);
    expect(merged.match(/^\|---\|---\|--:\|/gm)).toHaveLength(1);
    expect(merged.match(/^\| section \| parameter \|/gm)).toHaveLength(1);
    expect(merged.match(/^\| [^|]+ \| measured \|/gm)).toHaveLength(3);
    expect(merged.match(/^- \*\*[^*]+: target\*\* \(/gm)).toHaveLength(3);
  });

  it('is idempotent, and merging a run of every section gives that run', () => {
    expect(mergeMarkdown(merged, fresh)).toBe(merged);
    const all = markdown(run('all', 3, ['1. Full sync', '2. Incremental sync', '10. Late']), ['full']);
    const replaced = mergeMarkdown(previous, all);
    expect(replaced).not.toContain('old run');
    expect(replaced).toBe(`${all.trimEnd()}\n\n${TAIL}`);
  });

  it('says None. when no target is missed any more', () => {
    const only = markdown(run('only', 1, ['1. Full sync']), ['full']);
    const met = mergeMarkdown(markdown(run('old', 9, ['1. Full sync'])), only);
    expect(met).toContain('## Targets missed, and what bounds them\n\nNone.');
  });
});
