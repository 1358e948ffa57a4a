#!/usr/bin/env node
// Sums every package's vitest JSON report into the one closing line CI reads:
// `N passed, N failed`. `--clean` removes stale reports before a run, so a
// package whose tests did not run cannot lend old results to this one.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = ['packages', 'apps']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name, '.vitest-report.json')));

if (process.argv.includes('--clean')) {
  for (const file of reports) rmSync(file, { force: true });
  process.exit(0);
}

const turboExit = Number(process.argv.find((a) => a.startsWith('--turbo-exit='))?.split('=')[1] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of reports) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const pkg = file.split('/').at(-2);
  const p = report.numPassedTests ?? 0;
  // A suite that fails to load has no tests to count: count it as a failure.
  const f =
    (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - failedSuitesWithFailedTests(report);
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  rows.push(`  ${pkg.padEnd(16)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed`);
  passed += p;
  failed += f;
  skipped += s;
}

function failedSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (suite) => suite.status === 'failed' && suite.assertionResults?.some((t) => t.status === 'failed'),
  ).length;
}

// turbo failed but no report shows it (a package crashed before writing one): not a pass.
if (turboExit !== 0 && failed === 0) failed = 1;
console.log('\nTest summary');
for (const row of rows) console.log(row);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
