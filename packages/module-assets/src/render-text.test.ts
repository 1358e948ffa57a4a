import { describe, expect, it } from 'vitest';
import { setupGuide } from './guide.ts';
import { renderDiagnosticText, renderGuideText } from './render-text.ts';

const DOCS = 'http://127.0.0.1:8787/docs';
const text = renderGuideText(setupGuide, { docsBaseUrl: DOCS });

/** Lines that may run long: commands shown as they are typed, and URLs, which must not be broken. */
function isUnbreakable(line: string): boolean {
  return line.startsWith('      ') || /https?:\/\/\S{30,}/.test(line);
}

describe('renderGuideText', () => {
  it('numbers every step and shows its title', () => {
    setupGuide.steps.forEach((step, index) => {
      expect(text).toContain(`${index + 1}. ${step.title}\n`);
    });
  });

  it('wraps prose to the width it is given', () => {
    for (const width of [60, 80]) {
      const lines = renderGuideText(setupGuide, { width, docsBaseUrl: DOCS }).split('\n');
      for (const line of lines.filter((candidate) => !isUnbreakable(candidate))) {
        expect(line.length, line).toBeLessThanOrEqual(width);
      }
    }
  });

  it('is plain text: no Markdown, no backticks, no references left', () => {
    expect(text).not.toContain('`');
    expect(text).not.toContain('[[');
    expect(text).not.toMatch(/\*\*|^#+ |\{#/m);
    expect(text.replace(/\s+/g, ' ')).toContain('see “Proxies, Cloudflare and load balancers”');
  });

  it('shows commands unwrapped, so they can be copied', () => {
    expect(text).toContain('\n      curl -4 https://ifconfig.co   # the outgoing IPv4 address\n');
  });

  it('links each step to its page with pictures', () => {
    expect(text).toContain(`${DOCS}/setup-guide#create-api-role`);
    expect(renderGuideText(setupGuide, { docsBaseUrl: 'http://localhost:5173' })).toContain(
      'http://localhost:5173/setup-guide#create-api-role',
    );
  });

  it('prints only the steps asked for, keeping their numbers', () => {
    const one = renderGuideText(setupGuide, { only: ['create-api-role'], docsBaseUrl: DOCS });
    const index = setupGuide.steps.findIndex((step) => step.id === 'create-api-role');
    expect(one.startsWith(`${index + 1}. Create an API role`)).toBe(true);
    expect(one).not.toContain('Create an administrator for the bridge\n');
    expect(one).not.toContain(setupGuide.title.toUpperCase());
  });
});

describe('renderDiagnosticText', () => {
  it('says what failed, what to do and where to read more', () => {
    const out = renderDiagnosticText('auth_failed', { docsBaseUrl: DOCS });
    expect(out.split('\n')[0]).toBe('Error auth_failed: The secret is wrong');
    expect(out).toMatch(/\n {2}1\. Check the secret for spaces/);
    expect(out).toContain(`${DOCS}/setup-guide#record-credentials`);
    expect(out).toContain(`${DOCS}/troubleshooting#auth_failed`);
  });

  it('labels warnings as warnings', () => {
    expect(renderDiagnosticText('over_privileged', { docsBaseUrl: DOCS })).toMatch(
      /^Warning over_privileged:/,
    );
  });

  it('falls back to the generic entry for an unknown code', () => {
    const out = renderDiagnosticText('brand_new_code', { docsBaseUrl: 'https://docs.example.com' });
    expect(out).toMatch(/^Error unknown:/);
    expect(out).toContain('brand_new_code');
    expect(out).toContain('https://docs.example.com/troubleshooting#unknown');
  });
});
