import { DIAGNOSTIC_CODES, setupGuide } from '@forecaster/module-assets';
import { afterEach, describe, expect, it } from 'vitest';
import { docsBase } from '../docs/docs-base.ts';
import { createHarness, type Harness } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

/** No docsBaseUrl: the default a user gets. */
const unconfigured = () => ({ docsBaseUrl: undefined });

const ORIGIN = 'http://bridge.internal:8787';
const sectionIds = (html: string) => [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]!);

describe('documentation links without a docsBaseUrl', () => {
  it('a failing source links to the bridge’s own troubleshooting page, and that section is there', async () => {
    h = await createHarness({ config: unconfigured() });
    await h.store.setFailing('eu', {
      code: 'ip_not_allowed',
      message: 'refused',
      at: '2024-06-15T10:00:00.000Z',
    });
    const { data } = await (await h.get(`${ORIGIN}/v1/sources/eu`)).json();
    expect(data.lastError.docsUrl).toBe(`${ORIGIN}/docs/troubleshooting#ip_not_allowed`);

    // Public: the page documents the product, not this installation.
    const page = await h.app.request(data.lastError.docsUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(sectionIds(html)).toEqual([...DIAGNOSTIC_CODES]);
    // Every link in the page resolves to a section the bridge serves.
    const guide = sectionIds(await (await h.app.request(`${ORIGIN}/docs/setup-guide`)).text());
    expect(guide).toEqual(setupGuide.steps.map((s) => s.id));
    const links = [...html.matchAll(/http:\/\/bridge\.internal:8787(\/docs\/[a-z-]+)#([a-z_-]+)/g)];
    // Two a code: its setup-guide step and its own section.
    expect(links).toHaveLength(2 * DIAGNOSTIC_CODES.length);
    for (const [, path, anchor] of links) {
      const ids: readonly string[] = path === '/docs/setup-guide' ? guide : DIAGNOSTIC_CODES;
      expect(ids, `${path}#${anchor}`).toContain(anchor);
    }
    expect(html).not.toContain('forecaster-bridge.dev');
  });

  it('a configured docsBaseUrl (a published docs site) wins', async () => {
    h = await createHarness();
    await h.store.setFailing('eu', {
      code: 'ip_not_allowed',
      message: 'refused',
      at: '2024-06-15T10:00:00.000Z',
    });
    const { data } = await (await h.get(`${ORIGIN}/v1/sources/eu`)).json();
    expect(data.lastError.docsUrl).toBe('https://docs.example.test/troubleshooting#ip_not_allowed');
  });

  it('outside a request (the CLI, the logs): the listen address, a wildcard as loopback', () => {
    expect(docsBase({ listen: { host: '127.0.0.1', port: 8787 } })).toBe('http://127.0.0.1:8787/docs');
    expect(docsBase({ listen: { host: '0.0.0.0', port: 9000 } })).toBe('http://127.0.0.1:9000/docs');
    expect(docsBase({ listen: { host: '::1', port: 9000 } })).toBe('http://[::1]:9000/docs');
    expect(docsBase({ listen: { host: '::', port: 1 }, docsBaseUrl: 'https://d.example' })).toBe(
      'https://d.example',
    );
  });
});
