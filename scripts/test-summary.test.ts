import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countReport } from './test-summary.mjs';

const VITEST = join(import.meta.dirname, 'node_modules/.bin/vitest');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the real vitest over `files` and answers its JSON report. */
function vitestReport(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'summary-fixture-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out = join(dir, 'report.json');
  try {
    execFileSync(VITEST, ['run', '--root', dir, '--reporter=json', `--outputFile=${out}`], { stdio: 'pipe' });
  } catch {
    // Failing fixtures are the point: vitest exits 1.
  }
  return JSON.parse(readFileSync(out, 'utf8')) as Parameters<typeof countReport>[0] & {
    numFailedTests: number;
    numPassedTests: number;
  };
}

describe('the test summary', () => {
  it('counts tests as vitest does: a describe block with a failing test in it is not one more failure', () => {
    const report = vitestReport({
      'a.test.ts': `import { describe, expect, it } from 'vitest';
describe('outer', () => {
  describe('inner', () => {
    it('fails', () => expect(1).toBe(2));
    it('passes', () => {});
  });
  it('fails too', () => expect(1).toBe(2));
});
it('top-level fails', () => expect(1).toBe(2));
it('top-level passes', () => {});`,
    });
    expect(report.numFailedTests).toBe(3);
    expect(countReport(report)).toEqual({ passed: 2, failed: 3, skipped: 0, brokenFiles: 0 });
  });

  it('a file that fails outside any test (it does not load, or a hook throws) counts once: never green', () => {
    const report = vitestReport({
      'load.test.ts': `import './missing-module.ts';
import { it } from 'vitest';
it('never runs', () => {});`,
      'hook.test.ts': `import { beforeAll, describe, it } from 'vitest';
describe('setup', () => {
  beforeAll(() => { throw new Error('no database'); });
  it('skipped one', () => {});
  it('skipped two', () => {});
});
it('runs', () => {});`,
    });
    expect(countReport(report)).toEqual({ passed: 1, failed: 2, skipped: 2, brokenFiles: 2 });
  });
});
