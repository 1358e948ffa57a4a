import { diagnosticFor } from './diagnostics.ts';
import { guideStep, setupGuide } from './guide.ts';
import type { GuideStepId } from './ids.ts';
import { docsLink, guideLink } from './links.ts';
import { type Guide, type GuideBlock, type GuideStep, STEP_REFERENCE } from './schemas.ts';

// Plain text for a terminal: no colour codes, no Markdown, lines wrapped to a width. Backticks around
// literal values are dropped; the values themselves stand out well enough in a sentence.

interface TextOptions {
  /** The column to wrap at. */
  width?: number;
  /** Where the docs are (the bridge serves them under `/docs`), for the links under each step. */
  docsBaseUrl: string;
}

/** Drops the backticks around literal values and names referenced steps by their title. */
function plain(value: string): string {
  return value
    .replaceAll('`', '')
    .replace(STEP_REFERENCE, (_, id: GuideStepId) => `“${stepTitles.get(id) ?? id}”`);
}

const stepTitles = new Map<string, string>(setupGuide.steps.map((step) => [step.id, step.title]));

/** Wraps text at word boundaries; `first` prefixes the first line, `rest` the others. */
function wrap(value: string, width: number, first = '', rest = ' '.repeat(first.length)): string {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of plain(value).split(/\s+/)) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  out.push(line);
  return out.join('\n');
}

const CALLOUT = { note: 'Note', warning: 'Warning', tip: 'Tip' } as const;

function block(item: GuideBlock, width: number): string {
  switch (item.type) {
    case 'paragraph':
      return wrap(item.text, width, '  ');
    case 'list':
      return item.items
        .map((entry, index) =>
          item.ordered ? wrap(entry, width, `  ${index + 1}. `) : wrap(entry, width, '  - '),
        )
        .join('\n');
    case 'fields':
      return [
        ...(item.caption ? [wrap(item.caption, width, '  ')] : []),
        ...item.rows.map((row) =>
          wrap(`${row.field}: ${row.value}${row.note ? `. ${row.note}` : ''}`, width, '  * ', '    '),
        ),
      ].join('\n');
    case 'callout':
      return wrap(item.text, width, `  ${CALLOUT[item.kind]}: `, '    ');
    case 'code':
      return [
        ...(item.caption ? [wrap(`${item.caption}:`, width, '  ')] : []),
        ...item.code.split('\n').map((line) => `      ${line}`),
      ].join('\n');
    case 'image':
      return wrap(`[Picture: ${item.alt}]`, width, '  ');
  }
}

function step(item: GuideStep, index: number, width: number, docsBaseUrl: string): string {
  const heading = `${index + 1}. ${plain(item.title)}`;
  const where =
    item.menuPath.length > 0 ? wrap(`In WHMCS: ${item.menuPath.join(' > ')}`, width, '  ') : undefined;
  return [
    `${heading}\n${'='.repeat(Math.min(heading.length, width))}`,
    where,
    ...item.body.map((entry) => block(entry, width)),
    wrap(item.verify, width, '  Check: ', '    '),
    `  With pictures: ${guideLink(item.id, docsBaseUrl)}`,
  ]
    .filter((part) => part !== undefined)
    .join('\n\n');
}

/**
 * The setup guide as plain text for the bridge CLI, wrapped to `width` columns; `only` limits it to
 * some steps, keeping their numbers from the full guide.
 *
 * @example
 * console.log(renderGuideText(setupGuide, { only: ['create-api-role'], docsBaseUrl: 'http://127.0.0.1:8787/docs' }));
 */
export function renderGuideText(
  guide: Guide = setupGuide,
  options: TextOptions & { only?: readonly GuideStepId[] },
): string {
  const { width = 80, docsBaseUrl, only } = options;
  const steps = guide.steps
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => !only || only.includes(item.id))
    .map(({ item, index }) => step(item, index, width, docsBaseUrl));
  const intro = only
    ? []
    : [plain(guide.title).toUpperCase(), ...guide.intro.map((text) => wrap(text, width))];
  return `${[...intro, ...steps].join('\n\n')}\n`;
}

/**
 * One diagnostic as plain text for the bridge CLI: what failed, what it means, what to do, and where
 * to read more. Unknown codes get the generic entry.
 *
 * @example
 * console.error(renderDiagnosticText('auth_failed', { docsBaseUrl: 'http://127.0.0.1:8787/docs' }));
 */
export function renderDiagnosticText(code: string, options: TextOptions): string {
  const { width = 80, docsBaseUrl } = options;
  const entry = diagnosticFor(code);
  const label = entry.severity === 'error' ? 'Error' : 'Warning';
  return `${[
    wrap(`${label} ${entry.code}: ${entry.title}`, width),
    wrap(entry.meaning, width, '  '),
    entry.fix.map((line, index) => wrap(line, width, `  ${index + 1}. `, '     ')).join('\n'),
    `  Setup guide: ${plain(guideStep(entry.guideStep).title)}\n    ${guideLink(entry.guideStep, docsBaseUrl)}`,
    `  More: ${docsLink(entry.code, docsBaseUrl)}`,
  ].join('\n\n')}\n`;
}
