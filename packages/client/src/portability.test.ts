import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const SRC = import.meta.dirname;
const shipped = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'),
);

describe('the client runs on any fetch runtime', () => {
  it('ships no import of a Node built-in, and no Node global', () => {
    expect(shipped.length).toBeGreaterThan(5);
    for (const file of shipped) {
      // Code only: comments may show Node usage in examples.
      const text = readFileSync(join(SRC, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      expect(text, file).not.toMatch(/from ['"](node:|fs|path|crypto|http|https|net|tls|os|buffer)['"/]/);
      expect(text, file).not.toMatch(/\b(process|Buffer|require|__dirname)\./);
    }
  });

  it('depends only on runtime-neutral packages', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['entities', 'js-md5', 'zod']);
  });
});
