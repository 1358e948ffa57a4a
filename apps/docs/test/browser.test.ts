import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIAGNOSTIC_CODES,
  docsLink,
  GUIDE_STEP_IDS,
  guideLink,
  MOCKUP_IDS,
  UNKNOWN_DIAGNOSTIC_CODE,
} from '@forecaster/module-assets';
import { launchChromium } from '@forecaster/module-assets/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPages, ensureBuilt, REPO_ROOT, type ServedSite, serveSite } from './site.ts';

/*
 * The built site in a real browser: every page loads cleanly, every link the bridge and
 * `forecaster-bridge check` print lands on a section that exists, and the setup guide's pictures show.
 */

const SCREENSHOT = join(REPO_ROOT, 'artifacts', 'setup-guide.png');

let site: ServedSite;
let browser: Browser;
let context: BrowserContext;
// Set when the site or the browser cannot be had: every test then fails with it (a throwing
// beforeAll would only mark them skipped).
let unavailable: Error | undefined;

beforeAll(async () => {
  try {
    await ensureBuilt();
    site = await serveSite();
    browser = await launchChromium('The docs browser test');
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  } catch (err) {
    unavailable = err as Error;
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A page that records every console error, page error, failed and off-site request. */
async function open(): Promise<{ page: Page; problems: string[] }> {
  if (unavailable) throw unavailable;
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // Leaving a page cancels the chunks VitePress was prefetching for its links: not a failure.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.push(`failed (${reason}): ${request.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(site.origin) && !url.startsWith('data:')) problems.push(`off-site request: ${url}`);
  });
  return { page, problems };
}

/** Waits for every image on the page and answers those that did not load. */
async function brokenImages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const images = [...document.images];
    await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
    return images.filter((image) => !image.complete || image.naturalWidth === 0).map((image) => image.src);
  });
}

describe('the built docs site', () => {
  it('serves every page with a title and no errors, loading nothing from elsewhere', async () => {
    const { page, problems } = await open();
    const pages = builtPages();
    expect(pages).toEqual(
      expect.arrayContaining([
        '/',
        '/setup-guide',
        '/troubleshooting',
        '/deploy',
        '/client',
        '/reliability',
        '/reference/configuration',
        '/reference/api',
        '/reference/invoice',
      ]),
    );
    for (const path of pages) {
      const response = await page.goto(`${site.origin}${path}`, { waitUntil: 'load' });
      expect(response?.status(), path).toBe(200);
      await expect.poll(() => page.locator('main h1').first().isVisible(), { timeout: 5000 }).toBe(true);
      expect(await brokenImages(page), `${path}: images that did not load`).toEqual([]);
      // An include or a snippet whose file is missing renders as text instead of failing the build.
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text, path).not.toMatch(/Code snippet path not found|@include:/);
    }
    expect(problems).toEqual([]);
    await page.close();
    // Every page with its images in one test: 20 s was not enough under load (2 cores, load 15).
  }, 120_000);

  it('lists every page in the sidebar, and every sidebar link is a page', async () => {
    const { page, problems } = await open();
    await page.goto(`${site.origin}/`);
    const links = await page.$$eval('.VPSidebar a[href]', (anchors) =>
      anchors.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
    );
    expect([...new Set(links)].sort()).toEqual(builtPages());
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has a section for every troubleshooting link and setup-guide link the bridge prints', async () => {
    const { page, problems } = await open();
    const links = [
      ...([...DIAGNOSTIC_CODES, UNKNOWN_DIAGNOSTIC_CODE] as const).map((code) => docsLink(code, site.origin)),
      ...GUIDE_STEP_IDS.map((id) => guideLink(id, site.origin)),
    ];
    const missing: string[] = [];
    for (const link of links) {
      const url = new URL(link);
      const response = await page.goto(link);
      // A link within the page already open is followed without a request.
      if (response) expect(response.status(), link).toBe(200);
      const anchor = decodeURIComponent(url.hash.slice(1));
      const found = await page.evaluate((id) => {
        const target = document.getElementById(id);
        return target !== null && target.closest('main') !== null && target.textContent?.trim() !== '';
      }, anchor);
      if (!found) missing.push(`${url.pathname}#${anchor}`);
    }
    expect(missing).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every mock-up on the setup guide, and saves a full-page screenshot', async () => {
    const { page, problems } = await open();
    await page.goto(`${site.origin}/setup-guide`, { waitUntil: 'load' });
    const images = await page.$$eval('main img', (list) =>
      list.map((image) => ({
        src: new URL((image as HTMLImageElement).src).pathname,
        width: (image as HTMLImageElement).naturalWidth,
      })),
    );
    expect(await brokenImages(page)).toEqual([]);
    for (const id of MOCKUP_IDS) {
      const image = images.find((item) => item.src === `/mockups/${id}.svg`);
      expect(image, `mock-up ${id} on the setup guide`).toBeDefined();
      expect(image?.width, `mock-up ${id} loaded`).toBeGreaterThan(0);
    }
    mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps code in tables on one line, and lets wide tables and code blocks scroll instead of cutting them, wide and narrow', async () => {
    const { page, problems } = await open();
    for (const width of [1280, 760]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of ['/setup-guide', '/reference/configuration', '/deploy', '/troubleshooting']) {
        await page.goto(`${site.origin}${path}`, { waitUntil: 'load' });
        const found = await page.evaluate(() => {
          const scrolls = (element: Element) =>
            ['auto', 'scroll'].includes(getComputedStyle(element).overflowX);
          // A wide block is readable when it, or a box around it inside main, scrolls sideways.
          const reachable = (element: Element) => {
            for (let box: Element | null = element; box && box.tagName !== 'MAIN'; box = box.parentElement) {
              if (scrolls(box)) return true;
            }
            return false;
          };
          return {
            wrapped: [...document.querySelectorAll('main td code')]
              .filter((code) => code.getClientRects().length > 1)
              .map((code) => code.textContent),
            cut: [...document.querySelectorAll('main pre, main table')]
              .filter((block) => block.scrollWidth > block.clientWidth + 1 && !reachable(block))
              .map((block) => (block.textContent ?? '').slice(0, 60)),
          };
        });
        expect(found.wrapped, `${path} at ${width}px: code broken over lines`).toEqual([]);
        expect(found.cut, `${path} at ${width}px: cut off`).toEqual([]);
      }
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
