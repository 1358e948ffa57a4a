import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Every README's references resolve inside the repository: relative links to files that
 * exist, no path into the machine it was written on, and web links only to addresses known to
 * exist (a product site that was never published is not one).
 */

const ROOT = resolve(import.meta.dirname, '..');
const readmes = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*README.md'],
  {
    cwd: ROOT,
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter(Boolean);

/** Hosts a README may link to: documentation that exists. */
const KNOWN_HOSTS = new Set([
  'developers.whmcs.com',
  'docs.whmcs.com',
  'github.com',
  'nodejs.org',
  'pnpm.io',
]);

/** The README without fenced code blocks: examples there are commands, not references. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

function references(text: string): { links: string[]; paths: string[] } {
  const body = prose(text);
  const links = [
    ...body.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g),
    ...body.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm),
  ].map((m) => m[1]!);
  // A file named in code, as in `../shared/STYLE.md`: a document the reader is sent to.
  const paths = [...body.matchAll(/`((?:\.{1,2}\/|\/)[^`\s]*\.md)`/g)].map((m) => m[1]!);
  return { links, paths };
}

function problems(readme: string, text = readFileSync(join(ROOT, readme), 'utf8')): string[] {
  const file = join(ROOT, readme);
  const { links, paths } = references(text);
  const found: string[] = [];
  const inside = (target: string) => {
    const path = resolve(dirname(file), target);
    return !relative(ROOT, path).startsWith('..') && existsSync(path);
  };
  for (const link of links) {
    if (/^https?:\/\//.test(link)) {
      if (!KNOWN_HOSTS.has(new URL(link).hostname)) found.push(`${link}: not an address known to exist`);
      continue;
    }
    if (link.startsWith('#') || link.startsWith('mailto:')) continue;
    const target = decodeURIComponent(link.split('#')[0]!);
    if (target.startsWith('/') || !inside(target)) found.push(`${link}: no such file in the repository`);
  }
  for (const path of paths) {
    if (path.startsWith('/') || !inside(path)) found.push(`${path}: not a file in the repository`);
  }
  return found;
}

describe('README references', () => {
  it('finds the READMEs', () => {
    expect(readmes).toEqual(
      expect.arrayContaining(['README.md', 'apps/docs/README.md', 'packages/whmcs-sim/README.md']),
    );
  });

  it.each(readmes)('%s: every link and file it names resolves inside the repository', (readme) => {
    expect(problems(readme)).toEqual([]);
  });

  it('catches what the READMEs had: a missing file, a path outside, a site that does not exist', () => {
    const text =
      '[NEEDS.md](./NEEDS.md) and `/work/shared/whmcs/API-BEHAVIOUR.md` and `../../../shared/STYLE.md`, ' +
      'the [Forecaster](https://forecaster-bridge.dev), [the client](../../packages/client)\n' +
      '```sh\ncurl https://billing.example.com/\n```';
    expect(problems('apps/docs/README.md', text)).toEqual([
      './NEEDS.md: no such file in the repository',
      'https://forecaster-bridge.dev: not an address known to exist',
      '/work/shared/whmcs/API-BEHAVIOUR.md: not a file in the repository',
      '../../../shared/STYLE.md: not a file in the repository',
    ]);
  });
});
