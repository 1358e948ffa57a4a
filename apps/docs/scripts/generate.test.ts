import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DIAGNOSTIC_CODES,
  GUIDE_STEP_IDS,
  MOCKUP_IDS,
  UNKNOWN_DIAGNOSTIC_CODE,
} from '@forecaster/module-assets';
import { describe, expect, it } from 'vitest';
import { generatedFiles, reliabilityPage, SRC_DIR } from './generate.ts';

const files = await generatedFiles();
const byPath = new Map(files.map((file) => [file.path, file.content]));

describe('the generated files', () => {
  it('give every guide step and every diagnostic code the anchor the bridge links to', () => {
    const guide = byPath.get('setup-guide.md') ?? '';
    for (const id of GUIDE_STEP_IDS) expect(guide, id).toContain(`{#${id}}`);
    const troubleshooting = byPath.get('troubleshooting.md') ?? '';
    for (const code of [...DIAGNOSTIC_CODES, UNKNOWN_DIAGNOSTIC_CODE]) {
      expect(troubleshooting, code).toContain(`{#${code}}`);
    }
  });

  it('write every mock-up the guide shows', () => {
    const guide = byPath.get('setup-guide.md') ?? '';
    for (const id of MOCKUP_IDS) {
      expect(byPath.get(`public/mockups/${id}.svg`), id).toMatch(/^<svg[\s>]/);
      expect(guide).toContain(`(/mockups/${id}.svg)`);
    }
  });

  it('resolve every include and code snippet of the hand-written pages', () => {
    const handWritten = readdirSync(SRC_DIR).filter((name) => name.endsWith('.md') && !byPath.has(name));
    expect(handWritten).toEqual(expect.arrayContaining(['index.md', 'deploy.md', 'client.md']));
    for (const name of handWritten) {
      const text = readFileSync(join(SRC_DIR, name), 'utf8');
      const includes = [...text.matchAll(/<!--\s*@include:\s*(\S+?)\s*-->/g)].map((m) => m[1]!);
      const snippets = [...text.matchAll(/^<<< (\S+?)(?:\{[^}]*\})?$/gm)].map((m) => m[1]!);
      for (const target of [...includes, ...snippets]) {
        const path = resolve(dirname(join(SRC_DIR, name)), target);
        const generated = byPath.has(path.slice(SRC_DIR.length + 1));
        expect(generated || existsSync(path), `${name} includes ${target}`).toBe(true);
      }
    }
  });
});

describe('the reliability page', () => {
  it("includes the repository's RELIABILITY.md once it exists, and says it is coming until then", () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-root-'));
    try {
      const srcDir = join(root, 'apps', 'docs', 'src');
      mkdirSync(srcDir, { recursive: true });
      expect(reliabilityPage(root, srcDir)).toMatch(/^# Reliability$/m);
      writeFileSync(join(root, 'RELIABILITY.md'), '# Reliability\n');
      const include = /<!--@include: (\S+)-->/.exec(reliabilityPage(root, srcDir))?.[1];
      expect(include && resolve(srcDir, include)).toBe(join(root, 'RELIABILITY.md'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
