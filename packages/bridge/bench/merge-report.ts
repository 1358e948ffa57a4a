/*
 * `pnpm bench --only STEPS --merge`: the sections a partial run measured replace theirs in
 * BENCHMARKS.md; every other section keeps the rows of the run that measured it. The file is
 * Markdown the report wrote (report.ts), so it is read back by its own shapes: table rows keyed by
 * their first cell (the section), notes by their bold section name, missed targets by the figure
 * they name. Each section's `measured` parameter (harness.ts) carries its run's date and load.
 */

const HEADINGS = {
  params: '## Parameters',
  results: '## Results',
  notes: '## Notes',
  missed: '## Targets missed, and what bounds them',
} as const;
type Part = keyof typeof HEADINGS;

/** What follows the generated sections (the forecast suite's own section) is kept as it is. */
const TAIL_MARK = '<!-- forecast:begin -->';

interface Parsed {
  /** Everything before `## Parameters`: the title, the intro and the machine. */
  head: string[];
  params: string[];
  results: string[];
  notes: string[];
  missed: string[];
  tail: string[];
}

function parse(markdown: string): Parsed {
  const lines = markdown.split('\n');
  const tailAt = lines.indexOf(TAIL_MARK);
  const body = tailAt >= 0 ? lines.slice(0, tailAt) : lines;
  const out: Parsed = { head: [], params: [], results: [], notes: [], missed: [], tail: [] };
  let part: Part | 'head' | 'other' = 'head';
  for (const line of body) {
    const heading = (Object.keys(HEADINGS) as Part[]).find((key) => HEADINGS[key] === line);
    if (heading) part = heading;
    else if (line.startsWith('## ')) part = part === 'head' ? 'head' : 'other';
    if (part === 'head') out.head.push(line);
    else if (part !== 'other' && (line.startsWith('|') || line.startsWith('- '))) out[part].push(line);
  }
  out.tail = tailAt >= 0 ? lines.slice(tailAt) : [];
  return out;
}

/** A table row's cells (`\|` inside a cell is text, not a border). */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

const isHeaderRow = (row: string) => row.startsWith('| section |') || row.startsWith('|---');
const sectionOfRow = (row: string) => cells(row)[0]!;
const sectionOfNote = (line: string) => /^- \*\*(.+?)\.\*\* /.exec(line)?.[1] ?? '';
const labelOfMissed = (line: string) => /^- \*\*(.+?)\*\* \(/.exec(line)?.[1] ?? '';
const bySectionName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Old lines of the sections not re-run, the fresh lines of those that were, in section order. */
function mergeGroups(
  old: readonly string[],
  fresh: readonly string[],
  sectionOf: (line: string) => string,
  ran: ReadonlySet<string>,
): string[] {
  const groups = new Map<string, string[]>();
  const put = (line: string) => {
    const section = sectionOf(line);
    groups.set(section, [...(groups.get(section) ?? []), line]);
  };
  for (const line of old) if (!ran.has(sectionOf(line))) put(line);
  for (const line of fresh) put(line);
  return [...groups.keys()].sort(bySectionName).flatMap((section) => groups.get(section)!);
}

/**
 * `previous` is the file as it stands, `fresh` the partial run's report (report.ts's
 * formatMarkdown, whose intro says it was merged). Sections the fresh run measured replace their
 * rows, notes and missed targets; the rest stay; the forecast suite's section stays at the end.
 */
export function mergeMarkdown(previous: string, fresh: string): string {
  const before = parse(previous);
  const now = parse(fresh);
  const freshRows = now.results.filter((row) => !isHeaderRow(row));
  const ran = new Set(freshRows.map(sectionOfRow));
  const table = (old: string[], add: string[]) => {
    const header = add.filter(isHeaderRow);
    const rows = (lines: string[]) => lines.filter((row) => !isHeaderRow(row));
    return [
      ...(header.length ? header : old.filter(isHeaderRow)),
      ...mergeGroups(rows(old), rows(add), sectionOfRow, ran),
    ];
  };
  const params = table(before.params, now.params);
  const results = table(before.results, now.results);
  // A missed target belongs to the section of the figure it names (label → section, by table).
  const sectionOfLabel = new Map<string, string>();
  for (const row of [...before.results, ...results].filter((r) => !isHeaderRow(r))) {
    const [section, label] = cells(row);
    sectionOfLabel.set(label!.replace(/\\\|/g, '|'), section!);
  }
  const missedSection = (line: string) => sectionOfLabel.get(labelOfMissed(line)) ?? '';
  const notes = mergeGroups(before.notes, now.notes, sectionOfNote, ran);
  const missed = mergeGroups(
    before.missed.filter((line) => line.startsWith('- **')),
    now.missed.filter((line) => line.startsWith('- **')),
    missedSection,
    ran,
  );
  const out = [...now.head, HEADINGS.params, '', ...params, '', HEADINGS.results, '', ...results, ''];
  if (notes.length) out.push(HEADINGS.notes, '', ...notes, '');
  out.push(HEADINGS.missed, '', ...(missed.length ? missed : ['None.']), '');
  if (before.tail.length) out.push(...before.tail);
  return `${out.join('\n').trimEnd()}\n`;
}
