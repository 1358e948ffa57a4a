import type { CheckReport, CheckStage } from './report.ts';

/*
 * The report as a terminal checklist. Colour is optional (off for pipes and NO_COLOR): the marks
 * ✓ ✗ ! - carry the meaning on their own.
 */

export interface FormatOptions {
  /** ANSI colours. */
  color: boolean;
}

const MARKS: Record<CheckStage['status'], { mark: string; color: number }> = {
  passed: { mark: '✓', color: 32 },
  failed: { mark: '✗', color: 31 },
  warning: { mark: '!', color: 33 },
  skipped: { mark: '-', color: 90 },
};

/**
 * One source's checklist: a line per stage, and under each failure or warning what to do and
 * where to read more.
 *
 * @example
 * process.stdout.write(formatCheckReport(report, { color: process.stdout.isTTY }));
 */
export function formatCheckReport(report: CheckReport, options: FormatOptions): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[22m` : text);
  const lines = [bold(`${report.source}${report.url ? `  ${report.url}` : ''}`)];
  for (const stage of report.stages) {
    const { mark, color } = MARKS[stage.status];
    const title = stage.status === 'skipped' ? paint(90, stage.title) : stage.title;
    lines.push(`  ${paint(color, mark)} ${title}`);
    lines.push(`      ${stage.status === 'skipped' ? paint(90, stage.detail) : stage.detail}`);
    if (stage.status === 'failed' || stage.status === 'warning') {
      if (stage.code)
        lines.push(`      ${paint(color, stage.status === 'failed' ? 'Error' : 'Warning')} ${stage.code}`);
      (stage.fix ?? []).forEach((step, index) => {
        lines.push(`      ${index + 1}. ${step.replaceAll('`', '')}`);
      });
      if (stage.docsUrl) lines.push(`      More: ${stage.docsUrl}`);
    }
  }
  const failed = report.stages.filter((stage) => stage.status === 'failed');
  const warnings = report.stages.filter((stage) => stage.status === 'warning');
  const verdict = !report.ok
    ? paint(31, `FAILED: ${failed.map((stage) => stage.code ?? stage.id).join(', ')}`)
    : warnings.length > 0
      ? paint(33, `OK, with warnings: ${warnings.map((stage) => stage.code ?? stage.id).join(', ')}`)
      : paint(32, 'OK');
  lines.push(`  ${verdict}`);
  return `${lines.join('\n')}\n`;
}
