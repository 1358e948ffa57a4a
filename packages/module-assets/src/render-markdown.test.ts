import { describe, expect, it } from 'vitest';
import { diagnostics } from './diagnostics.ts';
import { setupGuide } from './guide.ts';
import { DIAGNOSTIC_CODES, GUIDE_STEP_IDS, MOCKUP_IDS } from './ids.ts';
import { renderGuideMarkdown, renderTroubleshootingMarkdown } from './render-markdown.ts';

const guide = renderGuideMarkdown(setupGuide, { imageBase: '/mockups' });
const troubleshooting = renderTroubleshootingMarkdown();

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The Markdown outside fenced code blocks, where escaping and VitePress's Vue parsing apply. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '');
}

describe('renderGuideMarkdown', () => {
  it('emits each step anchor exactly once, as a level-2 heading', () => {
    for (const id of GUIDE_STEP_IDS) {
      expect(count(guide, `{#${id}}`)).toBe(1);
      expect(guide).toMatch(new RegExp(`^## .+ \\{#${id}\\}$`, 'm'));
    }
    expect(guide.match(/^## /gm)).toHaveLength(GUIDE_STEP_IDS.length);
  });

  it('keeps the steps in order', () => {
    const positions = GUIDE_STEP_IDS.map((id) => guide.indexOf(`{#${id}}`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('points every picture at imageBase/mockupId.svg', () => {
    const images = [...guide.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((match) => match[1]);
    expect(new Set(images)).toEqual(new Set(MOCKUP_IDS.map((id) => `/mockups/${id}.svg`)));
  });

  it('does not double the slash when imageBase ends with one', () => {
    const rendered = renderGuideMarkdown(setupGuide, { imageBase: 'https://cdn.example.com/assets/' });
    expect(rendered).toContain('](https://cdn.example.com/assets/api-role.svg)');
  });

  it('renders the blocks as Markdown', () => {
    expect(guide).toContain('**Where:** System Settings > Manage API Credentials > API Roles');
    expect(guide).toMatch(/^\| \*\*Administrator Role\*\* \| Support Operator \|/m);
    expect(guide).toContain('> [!WARNING]\n> IPv4 and IPv6 addresses are separate entries.');
    expect(guide).toContain('```sh\ncurl -4 https://ifconfig.co');
    expect(guide).toMatch(/^1\. Open System Settings > Administrator Users\.$/m);
    expect(guide).toContain('**Check:** `forecaster-bridge check` no longer reports `ip_not_allowed`.');
  });

  it('turns step references into links to their anchors', () => {
    expect(guide).toContain('see [Proxies, Cloudflare and load balancers](#proxies)');
    expect(guide).not.toContain('[[');
    for (const match of guide.matchAll(/\]\(#([a-z0-9-]+)\)/g)) expect(GUIDE_STEP_IDS).toContain(match[1]);
  });

  it('writes nothing VitePress would read as Vue or HTML outside code', () => {
    expect(prose(guide)).not.toContain('{{');
    expect(prose(guide)).not.toMatch(/<[a-z]/i);
  });

  it('escapes Markdown in prose but not in code spans', () => {
    const rendered = renderGuideMarkdown(
      {
        ...setupGuide,
        intro: ['Use *care* with `a_b*c` and <b> tags_here'],
      },
      { imageBase: '/m' },
    );
    expect(rendered).toContain('Use \\*care\\* with `a_b*c` and &lt;b> tags\\_here');
  });
});

describe('renderTroubleshootingMarkdown', () => {
  it('emits each diagnostic anchor exactly once, plus the generic one', () => {
    for (const code of [...DIAGNOSTIC_CODES, 'unknown']) {
      expect(count(troubleshooting, `{#${code}}`)).toBe(1);
      expect(troubleshooting).toMatch(new RegExp(`^## .+ \\{#${code}\\}$`, 'm'));
    }
    expect(troubleshooting.match(/^## /gm)).toHaveLength(DIAGNOSTIC_CODES.length + 1);
  });

  it('lists every fix step and links each entry to its guide step', () => {
    for (const entry of diagnostics) {
      const start = troubleshooting.indexOf(`{#${entry.code}}`);
      const section = troubleshooting.slice(start, troubleshooting.indexOf('\n## ', start + 1) >>> 0);
      expect(section).toContain(`(./setup-guide#${entry.guideStep})`);
      expect(section.match(/^\d+\. /gm)).toHaveLength(entry.fix.length);
    }
  });

  it('uses the guide path it is given', () => {
    expect(renderTroubleshootingMarkdown({ guidePath: '/guide/setup' })).toContain(
      '(/guide/setup#allow-module-server-ip)',
    );
  });

  it('writes nothing VitePress would read as Vue or HTML', () => {
    expect(prose(troubleshooting)).not.toContain('{{');
    expect(prose(troubleshooting)).not.toMatch(/<[a-z]/i);
  });
});
