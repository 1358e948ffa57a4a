#!/usr/bin/env node
// Sums every package's vitest JSON report into the one closing line CI reads:
// `N passed, N failed`. `--clean` removes stale reports before a run, so a
// package whose tests did not run cannot lend old results to this one.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Tests of one vitest JSON report, counted as vitest counts them: a `describe` block is not a
 * test, even when it fails because a test in it failed. A file that failed without a failed
 * test (it did not load, or a hook threw and its tests were skipped) counts as one failure, so
 * that a broken file can never pass as green.
 *
 * @param {{ testResults?: Array<{ status: string, assertionResults?: Array<{ status: string }> }> }} report
 * @returns {{ passed: number, failed: number, skipped: number, brokenFiles: number }}
 */
export function countReport(report) {
  const counts = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0 };
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    const failed = tests.filter((t) => t.status === 'failed').length;
    counts.passed += tests.filter((t) => t.status === 'passed').length;
    counts.failed += failed;
    counts.skipped += tests.filter((t) => ['skipped', 'pending', 'todo'].includes(t.status)).length;
    if (file.status === 'failed' && failed === 0) {
      counts.brokenFiles += 1;
      counts.failed += 1;
    }
  }
  return counts;
}

function main() {
  const root = new URL('..', import.meta.url).pathname;
  const reports = ['packages', 'apps']
    .filter((dir) => existsSync(join(root, dir)))
    .flatMap((dir) =>
      readdirSync(join(root, dir)).map((name) => join(root, dir, name, '.vitest-report.json')),
    )
    .concat(join(root, 'scripts', '.vitest-report.json'));

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
    const counts = countReport(JSON.parse(readFileSync(file, 'utf8')));
    const pkg = file.split('/').at(-2) ?? file;
    const broken = counts.brokenFiles
      ? ` (${counts.brokenFiles} of them a file that failed outside any test)`
      : '';
    rows.push(
      `  ${pkg.padEnd(16)} ${String(counts.passed).padStart(5)} passed ${String(counts.failed).padStart(4)} failed${broken}`,
    );
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
  }

  // turbo failed but no report shows it (a package crashed before writing one): not a pass.
  if (turboExit !== 0 && failed === 0) failed = 1;
  console.log('\nTest summary');
  for (const row of rows) console.log(row);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
