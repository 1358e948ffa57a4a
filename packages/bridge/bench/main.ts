/*
 * `pnpm bench`: the whole suite, one table on the terminal, and BENCHMARKS.md at the root of
 * the repository. `--quick` runs the same code on tiny data and writes nothing unless `--out`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_DIR } from './children.ts';
import { explain } from './findings.ts';
import { machine } from './harness.ts';
import { mergeMarkdown } from './merge-report.ts';
import { formatMarkdown, formatTable } from './report.ts';
import { FULL, QUICK, runSuite, STEPS, type Step } from './suite.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    merge: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.merge && (values.quick || values.only === undefined)) {
  console.error('--merge needs --only (and no --quick): it replaces the sections a partial run measured');
  process.exit(2);
}
if (values.help) {
  console.log(
    `Usage: pnpm bench [--quick] [--out <file>] [--only ${[...STEPS, 'forecast'].join(',')} [--merge]]\n` +
      '  --out defaults to BENCHMARKS.md at the root (none with --quick or --only)\n' +
      '  --merge: the sections --only measured replace theirs in the file (--out or BENCHMARKS.md); the rest stay',
  );
  process.exit(0);
}

const started = performance.now();
const date = new Date();
const requested = values.only ? values.only.split(',') : [...STEPS];
// The forecast's accuracy suite lives with the forecast package (it runs alone: ~10 minutes) and
// writes its own section of BENCHMARKS.md; the bridge serving the forecast at size is this
// suite's step `forecast-serve`, which `--only forecast` runs too.
if (requested.includes('forecast')) {
  const args = ['--filter', '@forecaster/forecast', 'bench', ...(values.quick ? ['--quick'] : [])];
  const run = spawnSync('pnpm', args, { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (!requested.includes('forecast-serve')) requested.push('forecast-serve');
}
const only = requested.filter((step) => step !== 'forecast') as Step[];
const unknown = only.filter((step) => !STEPS.includes(step));
if (unknown.length) {
  console.error(`--only: unknown ${unknown.join(', ')} (choose from ${STEPS.join(', ')})`);
  process.exit(2);
}
const report = await runSuite(values.quick ? QUICK : FULL, (line) => process.stderr.write(`${line}\n`), only);
const durationS = (performance.now() - started) / 1000;
console.log(`\n${formatTable(report)}\n`);
const partial = values.quick || values.only !== undefined;
const out =
  values.out ?? (partial && !values.merge ? undefined : join(PACKAGE_DIR, '..', '..', 'BENCHMARKS.md'));
if (out && values.merge) {
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const fresh = formatMarkdown(report, machine(), {
    quick: false,
    date,
    durationS,
    explain: explain(report),
    merged: requested,
  });
  writeFileSync(out, mergeMarkdown(previous, fresh));
  console.log(`merged into: ${out}`);
} else if (out) {
  // Keep the forecast section (written by the forecast suite) and what follows it across a rewrite.
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const forecast = /<!-- forecast:begin -->[\s\S]*/.exec(previous)?.[0]?.trimEnd();
  const markdown = formatMarkdown(report, machine(), {
    quick: values.quick,
    date,
    durationS,
    explain: explain(report),
  });
  writeFileSync(out, forecast ? `${markdown.trimEnd()}\n\n${forecast}\n` : markdown);
  console.log(`written: ${out}`);
}
console.log(`${Math.round(durationS)} s`);
