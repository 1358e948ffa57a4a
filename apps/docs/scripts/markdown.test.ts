import { describe, expect, it } from 'vitest';
import { code, fence, prose, table } from './markdown.ts';

describe('markdown for VitePress', () => {
  it('keeps text that Vue would read as a tag or an interpolation from reaching the template', () => {
    const out = prose('send `Authorization: Bearer <token>` as <token> with {{ value }}');
    expect(out).toContain('`Authorization: Bearer <token>`');
    expect(out).not.toMatch(/<token>.*<token>/);
    expect(out).toContain('&lt;token>');
    expect(out).not.toContain('{{');
  });

  it('writes code with pipes or braces as v-pre HTML that a table cell cannot split', () => {
    expect(code('a | b')).toBe('<code v-pre>a &#124; b</code>');
    expect(code('{{ x }}')).not.toContain('{');
    expect(code('plain')).toBe('`plain`');
    const row = table(['Type'], [[code('"a" | "b"')]]).split('\n')[2]!;
    expect(row.split('|').length).toBe(3); // the row's own two pipes, none from the cell
  });

  it('escapes pipes in prose so that a description stays in its cell', () => {
    expect(prose('a | b')).toBe('a \\| b');
  });

  it('fences code containing backticks with a longer fence', () => {
    expect(fence('md', 'x ``` y')).toMatch(/^````md\n/);
  });
});
