import { diagnostics, unknownDiagnostic } from './diagnostics.ts';
import { setupGuide } from './guide.ts';
import type { GuideStepId } from './ids.ts';
import { type Diagnostic, type Guide, type GuideBlock, type GuideStep, STEP_REFERENCE } from './schemas.ts';

// Markdown for VitePress: headings carry `{#id}` anchors, callouts are GitHub-style alerts (which
// VitePress and GitHub both render), and nothing produces `{{`, which VitePress reads as Vue.

type StepLink = (id: GuideStepId) => string;

function escapeProse(value: string): string {
  return value.replace(/[\\*_[\]]/g, '\\$&').replaceAll('<', '&lt;');
}

/**
 * Escapes prose for Markdown, keeping `code spans` (the content's literal values) and turning each
 * `[[step-id]]` into a link to that step.
 */
function inline(value: string, link: StepLink): string {
  return value
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .split(STEP_REFERENCE)
            .map((piece, position) => (position % 2 === 1 ? link(piece as GuideStepId) : escapeProse(piece)))
            .join(''),
    )
    .join('');
}

function linkWithin(guide: Guide, base: string): StepLink {
  const titles = new Map(guide.steps.map((step) => [step.id, step.title]));
  return (id) => `[${escapeProse(titles.get(id) ?? id)}](${base}#${id})`;
}

function cell(value: string, link: StepLink): string {
  return inline(value, link).replaceAll('|', '\\|');
}

const ALERT = { note: 'NOTE', warning: 'WARNING', tip: 'TIP' } as const;

function block(item: GuideBlock, imageBase: string, link: StepLink): string {
  switch (item.type) {
    case 'paragraph':
      return inline(item.text, link);
    case 'list':
      return item.items
        .map((entry, index) => `${item.ordered ? `${index + 1}.` : '-'} ${inline(entry, link)}`)
        .join('\n');
    case 'fields': {
      const rows = item.rows.map(
        (row) =>
          `| **${cell(row.field, link)}** | ${cell(row.value, link)} | ${row.note ? cell(row.note, link) : ''} |`,
      );
      const table = ['| Field | Value | Notes |', '| --- | --- | --- |', ...rows].join('\n');
      return item.caption ? `**${inline(item.caption, link)}**\n\n${table}` : table;
    }
    case 'callout':
      return `> [!${ALERT[item.kind]}]\n> ${inline(item.text, link)}`;
    case 'code': {
      const fence = `\`\`\`${item.language}\n${item.code}\n\`\`\``;
      return item.caption ? `*${inline(item.caption, link)}*\n\n${fence}` : fence;
    }
    case 'image': {
      const image = `![${escapeProse(item.alt)}](${imageBase}/${item.mockupId}.svg)`;
      return item.caption ? `${image}\n\n*${inline(item.caption, link)}*` : image;
    }
  }
}

const KIND_LABEL: Record<GuideStep['kind'], string | undefined> = {
  required: undefined,
  optional: 'Optional',
  reference: 'Background',
  maintenance: 'Later',
};

function menu(path: readonly string[]): string {
  return path.map(escapeProse).join(' > ');
}

function step(item: GuideStep, imageBase: string, link: StepLink): string {
  const label = KIND_LABEL[item.kind];
  const summary = inline(item.summary, link);
  const legacy = item.menuPathLegacy ? ` (WHMCS 7: ${menu(item.menuPathLegacy)})` : '';
  return [
    `## ${escapeProse(item.title)} {#${item.id}}`,
    label ? `*${label}:* ${summary}` : summary,
    item.menuPath.length > 0 ? `**Where:** ${menu(item.menuPath)}${legacy}` : undefined,
    ...item.body.map((entry) => block(entry, imageBase, link)),
    `**Check:** ${inline(item.verify, link)}`,
  ]
    .filter((part) => part !== undefined)
    .join('\n\n');
}

/**
 * The setup guide as one Markdown page for VitePress. Each step is a `## Title {#step-id}` section, so
 * `guideLink(stepId)` lands on it; pictures point at `${imageBase}/${mockupId}.svg`.
 *
 * @example
 * renderGuideMarkdown(setupGuide, { imageBase: '/mockups' });
 */
export function renderGuideMarkdown(guide: Guide, options: { imageBase: string }): string {
  const imageBase = options.imageBase.replace(/\/+$/, '');
  const link = linkWithin(guide, '');
  return `${[
    `# ${escapeProse(guide.title)}`,
    ...guide.intro.map((paragraph) => inline(paragraph, link)),
    ...guide.steps.map((item) => step(item, imageBase, link)),
  ].join('\n\n')}\n`;
}

function diagnostic(entry: Diagnostic, link: StepLink): string {
  return [
    `## ${escapeProse(entry.title)} {#${entry.docsAnchor}}`,
    `\`${entry.code}\` · ${entry.severity === 'error' ? 'Error' : 'Warning'}`,
    inline(entry.meaning, link),
    '**How to fix it**',
    entry.fix.map((line, index) => `${index + 1}. ${inline(line, link)}`).join('\n'),
    `Setup guide: ${link(entry.guideStep)}`,
  ].join('\n\n');
}

/**
 * The troubleshooting page: one `## Title {#code}` section per diagnostic code, then the generic
 * `{#unknown}` one, so `docsLink(code)` lands on each. Links to guide steps start with `guidePath`.
 *
 * @example
 * renderTroubleshootingMarkdown({ guidePath: './setup-guide' });
 */
export function renderTroubleshootingMarkdown(options: { guidePath?: string } = {}): string {
  const link = linkWithin(setupGuide, options.guidePath ?? './setup-guide');
  return `${[
    '# Troubleshooting',
    'Each problem the bridge or `forecaster-bridge check` reports carries a code. Its section below says what it means and how to fix it; the address of the section ends in `#` followed by the code.',
    ...[...diagnostics, unknownDiagnostic].map((entry) => diagnostic(entry, link)),
  ].join('\n\n')}\n`;
}
