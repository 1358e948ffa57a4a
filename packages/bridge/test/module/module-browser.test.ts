import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveModulePreview } from '@forecaster/module-assets/preview';
import { launchChromium } from '@forecaster/module-assets/testing';
import type { SimClient } from '@forecaster/whmcs-sim';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULE_TOKEN, type ModuleWorld, startModuleWorld } from './module-harness.ts';

/*
 * The module's page in Chromium, through the PHP proxy under `php -S`, against the demo bridge
 * (a CSP of `script-src 'self' 'unsafe-inline'` on the page, as an operator may add). A client
 * is named `<img src=x onerror=alert(1)>` and a note holds a `<script>`: every page renders, none
 * runs them, nothing errors in the console, and no request leaves loopback. Screenshots of every
 * page go to artifacts/module/ (and, with MODULE_SCREENSHOTS_TO_DOCS=1, to the docs site).
 */

const REPO_ROOT = join(import.meta.dirname, '../../../..');
const SHOTS = join(REPO_ROOT, 'artifacts', 'module');
const DOCS_SHOTS = join(REPO_ROOT, 'apps', 'docs', 'src', 'public', 'module');
const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_NOTE = '<script>alert(2)</script> call before paying';
const XSS_TITLE = '<img src=x onerror=alert(3)> rack';
// Exchange rates as the ECB publishes them (units per euro), early enough for every invoice.
const RATES =
  'Date,USD,GBP,CHF,CAD\n2020-01-02,1.1193,0.8508,1.0854,1.4557\n2026-11-30,1.05,0.85,0.94,1.47\n';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A write straight to the bridge (the demo's token may write commitments). */
async function bridgeWrite(
  method: string,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
): Promise<{ data: { id: string; version: number } }> {
  const res = await fetch(world.demo.url + path, {
    method,
    headers: {
      authorization: `Bearer ${MODULE_TOKEN}`,
      'content-type': 'application/json',
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: { id: string; version: number } };
}

let world: ModuleWorld;
let browser: Browser;
let xssClient = 0;

beforeAll(async () => {
  // PHP's upload limits above the bridge's (as the install guide asks), so that a file too large
  // for the bridge meets the proxy's own refusal.
  world = await startModuleWorld({
    invoices: [900, 500],
    ini: { upload_max_filesize: '12M', post_max_size: '40M' },
  });
  // Store them as WHMCS does (HTML-encoded); the bridge decodes them, the UI must show them as text.
  const { sim } = world.demo.sims[0]!;
  const invoice = sim.invoice(3)!;
  xssClient = invoice.userid;
  const client = sim.clients.get(xssClient) as SimClient;
  client.companyname = '&lt;img src=x onerror=alert(1)&gt;';
  sim.updateInvoice(3, { notes: '&lt;script&gt;alert(2)&lt;/script&gt; call before paying' });
  await world.demo.bridge.engine.run('eu', 'full');
  // The ledger holds hostile text too: a counterparty, a commitment whose alert quotes its title.
  const counterparty = await bridgeWrite('POST', '/v1/counterparties', { name: XSS_NAME, notes: XSS_NOTE });
  const commitment = await bridgeWrite('POST', '/v1/commitments', {
    counterpartyId: counterparty.data.id,
    title: XSS_TITLE,
    currency: 'EUR',
    amount: '900.00',
    cadence: 'monthly',
    startDate: '2025-01-01',
    endDate: inDays(25),
    notes: XSS_NOTE,
  });
  await bridgeWrite('POST', '/v1/cost-entries', {
    date: '2026-01-05',
    counterpartyId: counterparty.data.id,
    commitmentId: commitment.data.id,
    category: XSS_NAME,
    net: '900.00',
    gross: '900.00',
    currency: 'EUR',
    reference: XSS_NOTE,
  });
  browser = await launchChromium('The module browser test');
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

interface Watched {
  page: Page;
  problems: string[];
}

/** A page that records console errors, page errors, dialogs (an XSS would open one) and off-loopback requests. */
async function open(url: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // The proxy answers a refusal (a bridge that is down, a token refused) with its HTTP status,
    // which Chromium logs; the page shows it. Any other console error is a fault.
    const handledApiAnswer =
      m.text().startsWith('Failed to load resource') && m.location().url.includes('action=api');
    if (m.type() === 'error' && !handledApiAnswer) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    const host = new URL(r.url()).hostname;
    if (
      !['127.0.0.1', 'localhost'].includes(host) &&
      !r.url().startsWith('blob:') &&
      !r.url().startsWith('data:')
    ) {
      problems.push(`left loopback: ${r.url()}`);
    }
  });
  page.on('response', (r) => {
    // The proxy's own refusals are JSON answers the page handles; anything else failing is a fault.
    if (r.status() >= 400 && !r.url().includes('action=api')) problems.push(`${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

/** A full-page artifact, and for the docs the window scrolled to `focus` (a CSS selector) if given. */
async function shot(page: Page, name: string, focus?: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (process.env.MODULE_SCREENSHOTS_TO_DOCS === '1') {
    mkdirSync(DOCS_SHOTS, { recursive: true });
    if (focus)
      await page
        .locator(focus)
        .first()
        .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(DOCS_SHOTS, `${name}.png`), fullPage: false });
  }
}

/** Nothing from the data became markup: no injected image or script, in the module's root. */
async function expectNoInjection(page: Page): Promise<void> {
  const injected = await page.evaluate(() => ({
    images: document.querySelectorAll('#commitment-forecaster img[src="x"]').length,
    scripts: document.querySelectorAll('#commitment-forecaster script').length,
  }));
  expect(injected).toEqual({ images: 0, scripts: 0 });
}

async function bridgeServes(path: string): Promise<boolean> {
  const info = (await (await fetch(`${world.demo.url}/openapi.json`)).json()) as { paths: object };
  return path in info.paths;
}

async function chartDrawn(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#commitment-forecaster .cf-chart canvas');
    if (!canvas || canvas.width === 0) return false;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
    return inked > 500;
  });
}

describe('the module page in Chromium, through the PHP proxy', () => {
  const url = (hash: string) => `${world.whmcs.pageUrl}${hash}`;

  it('Overview: sources and revenue per currency, as of the last sync', async () => {
    const { page, problems } = await open(url('#/overview'));
    await page.locator('.cf-stat-row').first().waitFor();
    await page.locator('.cf-card').nth(1).waitFor();
    const text = await page.locator('#commitment-forecaster').textContent();
    expect(text).toContain('EU billing (simulated WHMCS 8, Europe/Berlin)');
    expect(text).toMatch(/As of/);
    // WHMCS's prefixes, from its currency settings: the euro sign was stored as an entity.
    expect(text).toMatch(/€[\d,]+\.\d\d EUR/);
    if (await bridgeServes('/v1/forecast')) {
      await page.locator('.cf-overview .cf-forecast-next tbody tr').first().waitFor();
      // The commitment seeded above (900.00 EUR a month) is set beside this month's EUR forecast.
      const month = new Date().toLocaleDateString('en-US', {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });
      const row = page.locator('.cf-forecast-next tbody tr', { hasText: month }).filter({ hasText: 'EUR' });
      await row.getByText('€900.00 EUR').waitFor();
    } else {
      expect(text).toContain('Forecasts are not available from this bridge yet');
    }
    await expectNoInjection(page);
    await shot(page, 'overview');
    expect(problems).toEqual([]);
  });

  it('Connections: Check connection shows every stage; Sync now shows progress, then the result', async () => {
    const { page, problems } = await open(url('#/connections'));
    const eu = page.locator('.cf-source[data-source="eu"]');
    await eu.waitFor();
    await eu.getByRole('button', { name: 'Check connection' }).click();
    await eu.locator('.cf-check').waitFor({ timeout: 30_000 });
    expect(await eu.locator('.cf-check').textContent()).toContain('Connection OK');
    expect(await eu.locator('.cf-stage').count()).toBeGreaterThanOrEqual(8);
    expect(await eu.locator('.cf-stage-passed').count()).toBeGreaterThanOrEqual(5);

    const us = page.locator('.cf-source[data-source="us"]');
    await us.getByRole('combobox', { name: 'Sync mode' }).selectOption('full');
    await us.getByRole('button', { name: 'Sync now' }).click();
    await us.locator('.cf-sync-done').waitFor({ timeout: 60_000 });
    expect(await us.locator('.cf-sync-done').textContent()).toMatch(/Sync finished: 500 invoices read/);
    await expectNoInjection(page);
    await shot(page, 'connections', '.cf-source[data-source="eu"]');
    expect(problems).toEqual([]);
  });

  it('Connections managed here: add one (its check shown, saved anyway when asked), disable it, delete it', async () => {
    const { page, problems } = await open(url('#/connections'));
    // A source from the bridge's file is read-only here, and says so.
    await page.locator('.cf-source[data-source="eu"] .cf-readonly').waitFor();
    await page.getByRole('button', { name: 'Add a connection' }).click();
    const form = page.locator('.cf-connection-form');
    await form.getByLabel('Id', { exact: true }).fill('added-in-whmcs');
    await form.getByLabel('Name', { exact: true }).fill('Reseller <b>WHMCS</b>');
    await form.getByLabel('WHMCS URL').fill('http://127.0.0.1:1/');
    await form.getByLabel('API identifier').fill('ident');
    await form.getByLabel('API secret', { exact: true }).fill('secret-typed-in-WHMCS-Heron-77');
    await form.getByLabel('Allow plain http').check();
    await page.getByRole('button', { name: 'Check and save' }).click();
    // Nothing listens there: the check fails at the TCP stage and nothing is saved until asked.
    await page.locator('.cf-connection-form .cf-check').waitFor({ timeout: 30_000 });
    expect(await page.locator('.cf-connection-form .cf-check').textContent()).toContain('Connection failed');
    await page.getByRole('button', { name: /Save anyway/ }).click();
    await page.locator('.cf-add-connection .cf-saved').waitFor();
    const added = page.locator('.cf-source[data-source="added-in-whmcs"]');
    await added.waitFor();
    expect(await added.textContent()).toContain('Reseller <b>WHMCS</b>');
    await added.getByRole('button', { name: 'Disable' }).click();
    await added.locator('.cf-saved', { hasText: 'Disabled' }).waitFor();
    await added.getByRole('button', { name: 'Delete connection' }).click();
    await added.locator('.cf-delete-choice').waitFor();
    expect(await added.locator('.cf-delete-choice').textContent()).toContain('holds 0 invoices');
    await shot(page, 'connection-delete');
    await added.getByRole('button', { name: 'Delete with the invoices' }).click();
    await added.waitFor({ state: 'detached' });
    expect(JSON.stringify(await page.evaluate(() => document.body.innerHTML))).not.toContain('Heron-77');
    expect(problems).toEqual([]);
  });

  it('Connections: a connection deleted with its invoices kept is listed as archived, with nothing to sync or check', async () => {
    const made = await bridgeWrite('POST', '/v1/sources', {
      id: 'old-reseller',
      name: 'Old reseller <i>install</i>',
      url: 'http://127.0.0.1:1/',
      identifier: 'ident',
      secret: 'secret-of-the-old-one-Ibex-12',
      allowInsecureHttp: true,
      force: true,
    });
    const { page, problems } = await open(url('#/connections'));
    const old = page.locator('.cf-source[data-source="old-reseller"]');
    await old.getByRole('button', { name: 'Delete connection' }).click();
    await old.getByRole('button', { name: 'Delete, keep the invoices' }).click();
    await old.locator('.label', { hasText: 'Archived' }).waitFor();
    const text = (await old.textContent()) ?? '';
    expect(text).toContain('Old reseller <i>install</i>');
    expect(text).toContain('never synced again');
    expect(await old.getByRole('button').count()).toBe(0);
    // The bridge lists it so, after the sources the sync runs for.
    const listed = (await (
      await fetch(`${world.demo.url}/v1/sources`, { headers: { authorization: `Bearer ${MODULE_TOKEN}` } })
    ).json()) as { data: Array<{ id: string; state: string }> };
    expect(listed.data.at(-1)).toMatchObject({ id: 'old-reseller', state: 'archived' });
    expect(made.data.id).toBe('old-reseller');
    await old.scrollIntoViewIfNeeded();
    await shot(page, 'connection-archived');
    expect(problems).toEqual([]);
  });

  it('Revenue: a chart and a table per currency; a month opens its invoices', async () => {
    const { page, problems } = await open(url('#/revenue'));
    await page.locator('.cf-revenue .cf-data tbody tr').first().waitFor();
    await page.locator('.cf-chart canvas').first().waitFor();
    await page.getByLabel('Period').selectOption('last-fiscal-year');
    await page.locator('.cf-chart canvas').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.cf-revenue .cf-data tbody tr').length > 1);
    expect(await chartDrawn(page)).toBe(true);
    await expectNoInjection(page);
    await shot(page, 'revenue');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await (await download).path();
    expect(csv).toBeTruthy();
    await page.locator('.cf-revenue .cf-data tbody tr.cf-clickable').first().click();
    await page.locator('.cf-invoices').waitFor();
    expect(page.url()).toMatch(/#\/invoices\?issuedFrom=\d{4}-\d\d-01&issuedTo=/);
    await page.locator('.cf-invoices .cf-data tbody tr').first().waitFor();
    expect(problems).toEqual([]);
  });

  it('Invoices: filters and cursor pages; a hostile client name and note are shown as text', async () => {
    const { page, problems } = await open(url(`#/invoices?source=eu&clientId=${xssClient}`));
    await page.getByText(XSS_NAME).first().waitFor();
    const text = await page.locator('.cf-invoices').textContent();
    expect(text).toContain(XSS_NAME);
    expect(text).toContain(XSS_NOTE);
    await expectNoInjection(page);
    await shot(page, 'invoices-hostile-text');

    await page.goto(url('#/invoices'));
    await page.reload();
    await page.locator('.cf-invoices .cf-data tbody tr').first().waitFor();
    const rowKeys = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.cf-invoices .cf-data tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')]
            .slice(0, 3)
            .map((td) => td.textContent)
            .join('/'),
        ),
      );
    const firstPage = await rowKeys();
    await page.getByRole('button', { name: 'Next page ›' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await page.waitForFunction(
      (first) =>
        [...(document.querySelector('.cf-invoices .cf-data tbody tr')?.querySelectorAll('td') ?? [])]
          .slice(0, 3)
          .map((td) => td.textContent)
          .join('/') !== first,
      firstPage[0],
    );
    const secondPage = await rowKeys();
    expect(secondPage).toHaveLength(50);
    expect(secondPage.some((n) => firstPage.includes(n))).toBe(false);
    await page.getByLabel('Status').selectOption('paid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('Page 1', { exact: true }).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.cf-invoices .cf-data tbody .label')].every(
        (l) => l.textContent === 'Paid',
      ),
    );
    await shot(page, 'invoices');
    expect(problems).toEqual([]);
  });

  for (const [hash, name, missing] of [
    ['#/receivables', 'receivables', 'Receivables are not available from this bridge yet'],
    ['#/forecast', 'forecast', 'Forecasts are not available from this bridge yet'],
  ] as const) {
    it(`${name}: the real endpoint's answer, or what is missing (never made-up figures)`, async () => {
      const { page, problems } = await open(url(hash));
      await page.locator('.cf-page').waitFor();
      await page.waitForFunction(() => !document.querySelector('.cf-page .cf-loading'));
      const text = await page.locator('.cf-page').textContent();
      if (await bridgeServes(`/v1/${name}`)) {
        expect(text).not.toContain(missing);
        await page.locator('.cf-page .cf-data tbody tr').first().waitFor();
        expect(await page.locator('.cf-page .cf-data tbody tr').count()).toBeGreaterThan(0);
        // A reporting currency: without a rate file the bridge says what to do and the picker
        // stays; with one, every row gets its converted amount and the rate used.
        const rates = join(world.demo.bridge.config.dataDir, 'rates.csv');
        rmSync(rates, { force: true });
        const picker = page.getByLabel('Reporting currency');
        await picker.selectOption('EUR');
        await page.locator('.cf-error', { hasText: 'rates.csv' }).waitFor();
        writeFileSync(
          rates,
          'Date,USD,GBP,CHF,CAD\n2024-01-02,1.0956,0.8655,0.9305,1.4565\n2026-11-30,1.05,0.85,0.94,1.47\n',
        );
        await picker.selectOption('');
        await page.locator('.cf-page .cf-data tbody tr').first().waitFor();
        await picker.selectOption('EUR');
        const header = name === 'receivables' ? 'Open in EUR' : 'Expected in EUR';
        await page.getByRole('columnheader', { name: header }).waitFor();
        expect(await page.locator('.cf-page .cf-data tbody').textContent()).toMatch(
          /€[\d,]+\.\d\d EUR[\s\S]*on 20\d\d-\d\d-\d\d/,
        );
      } else {
        expect(text).toContain(missing);
      }
      await expectNoInjection(page);
      await shot(page, name);
      expect(problems).toEqual([]);
    });
  }

  it('Revenue in a reporting currency: a total per month across currencies, at the loaded rates', async () => {
    writeFileSync(join(world.demo.bridge.config.dataDir, 'rates.csv'), RATES);
    const { page, problems } = await open(url('#/revenue'));
    await page.locator('.cf-revenue .cf-data tbody tr').first().waitFor();
    await page.getByLabel('Reporting currency').selectOption('EUR');
    const converted = page.locator('.cf-revenue-converted');
    await converted.locator('.cf-data tbody tr').first().waitFor();
    const text = (await converted.textContent()) ?? '';
    expect(text).toContain('Invoiced in EUR');
    expect(text).toMatch(/CHF EUR GBP[\s\S]*€[\d,]+\.\d\d EUR/);
    await shot(page, 'revenue-reporting', '.cf-revenue-converted');
    expect(problems).toEqual([]);
  });

  it('Commitments: an admin creates, edits, deletes and restores through the proxy; stale edits are refused', async () => {
    const { page, problems } = await open(url('#/commitments?tab=counterparties'));
    const ledger = page.locator('.cf-ledger');
    await ledger.locator('.cf-data tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'New counterparty' }).click();
    await page.getByLabel('Name').fill('Hetzner <b>Online</b> & Co');
    await page.getByLabel('Country').fill('DE');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.cf-saved').waitFor();
    await ledger.getByText('Hetzner <b>Online</b> & Co', { exact: true }).waitFor();

    await page.locator('.cf-subtabs').getByRole('link', { name: 'Commitments' }).click();
    await page.getByRole('button', { name: 'New commitment' }).click();
    await page.getByLabel('Title').fill('Colocation Frankfurt');
    await page.getByLabel('With').selectOption({ label: 'Hetzner <b>Online</b> & Co' });
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Amount per payment').fill('2500.00');
    await page.getByLabel('Cadence').selectOption('monthly');
    await page.getByLabel('Starts').fill('2025-06-01');
    await page.getByLabel('Ends').fill('2020-01-01');
    await page.getByLabel('Notice period').fill('1 month');
    await page.getByRole('button', { name: 'Save' }).click();
    // The bridge judges the fields; its answer is shown beside the one it names.
    await page.locator('.cf-form .has-error').waitFor();
    expect(await page.locator('.cf-form .has-error').textContent()).toContain('must not be before startDate');
    await page.getByLabel('Ends').fill(inDays(10));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.cf-saved').waitFor();
    const row = page.locator('.cf-ledger .cf-data tbody tr', { hasText: 'Colocation Frankfurt' });
    expect(await row.textContent()).toContain('Hetzner <b>Online</b> & Co');
    expect(await row.textContent()).toMatch(/€2,500\.00 EUR/);

    // Edited here while someone else changes it: the save is refused, nothing is overwritten.
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Amount per payment').fill('2600.00');
    const list = (await (
      await fetch(`${world.demo.url}/v1/commitments`, {
        headers: { authorization: `Bearer ${MODULE_TOKEN}` },
      })
    ).json()) as { data: Array<{ id: string; title: string; version: number }> };
    const stored = list.data.find((c) => c.title === 'Colocation Frankfurt')!;
    await bridgeWrite(
      'PATCH',
      `/v1/commitments/${stored.id}`,
      { category: 'datacenter' },
      { 'if-match': `"${stored.version}"` },
    );
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.cf-form .cf-error').waitFor();
    expect(await page.locator('.cf-form .cf-error').textContent()).toMatch(/changed since you read it/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await row.getByText('datacenter').waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Amount per payment').fill('2600.00');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.cf-saved').waitFor();
    await row.getByText('€2,600.00 EUR').waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Confirm delete' }).click();
    await page.locator('.cf-saved', { hasText: 'Deleted' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Show deleted').check();
    await row.getByRole('button', { name: 'Restore' }).click();
    await page.locator('.cf-saved', { hasText: 'Restored' }).waitFor();
    await row.getByRole('button', { name: 'Edit' }).waitFor();

    // The outlook: its end is an alert, its schedule and the month totals are listed.
    await page.locator('.cf-subtabs').getByRole('link', { name: 'Outlook' }).click();
    await page.locator('.cf-alert-settings summary').click();
    await page.getByLabel('Days before the last day to give notice').fill('60');
    await page.getByLabel('Cash alert below').fill('EUR 2500.00');
    await page.getByRole('button', { name: 'Save alert settings' }).click();
    await page.locator('.cf-alert-settings .cf-saved').waitFor();
    await page
      .getByText(/below the threshold of 2500\.00/)
      .first()
      .waitFor();
    await page.locator('.cf-alert-settings summary').click();
    await page.locator('.cf-data', { hasText: 'Colocation Frankfurt' }).first().waitFor();
    const outlook = (await page.locator('.cf-commitments').textContent()) ?? '';
    expect(outlook).toContain('"Colocation Frankfurt" ends on');
    expect(outlook).toContain('Committed per month');
    await page.locator('.cf-chart canvas').first().waitFor();
    expect(await chartDrawn(page)).toBe(true);
    await expectNoInjection(page);
    await shot(page, 'commitments');
    expect(problems).toEqual([]);
  });

  it('Attachments: several PDFs uploaded at once, listed, downloaded, removed; a non-PDF, a file too large and the bridge down are said clearly', async () => {
    const pdf = (text: string, pad = 0) =>
      Buffer.concat([
        Buffer.from(`%PDF-1.7\n% ${text}\n`),
        Buffer.alloc(pad, 0x20),
        Buffer.from('\n%%EOF\n'),
      ]);
    const contract = pdf('master services agreement', 150_000);
    const { page, problems } = await open(url('#/commitments?tab=commitments'));
    const row = page.locator('.cf-ledger .cf-data tbody tr', { hasText: XSS_TITLE });
    await row.getByRole('button', { name: 'Files' }).click();
    const panel = page.locator('.cf-attachments');
    await panel.getByText('No files attached yet.').waitFor();
    expect(await panel.locator('.panel-title').textContent()).toBe(`Files of “${XSS_TITLE}”`);
    const chooser = panel.getByLabel('Attach PDFs (several at once)');
    await chooser.setInputFiles([
      { name: 'master-agreement-2025.pdf', mimeType: 'application/pdf', buffer: contract },
      { name: 'price-annex.pdf', mimeType: 'application/pdf', buffer: pdf('annex') },
      { name: 'invoice-2026-01.pdf', mimeType: 'application/pdf', buffer: pdf('january') },
    ]);
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.locator('.cf-saved').waitFor();
    const listed = panel.locator('.cf-data tbody tr');
    await expect.poll(() => listed.count()).toBe(3);
    const first = listed.filter({ hasText: 'master-agreement-2025.pdf' });
    expect(await first.textContent()).toContain(`${Math.round(contract.length / 1024)} KBPDF`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      first.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('master-agreement-2025.pdf');
    expect(readFileSync((await download.path())!).equals(contract)).toBe(true);

    // Not a PDF by its content (whatever its name says), and one over the bridge's 10 MB.
    await chooser.setInputFiles([
      {
        name: 'totally-a-contract.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('MZ\x90 an executable'),
      },
    ]);
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.locator('.cf-error').waitFor();
    expect(await panel.locator('.cf-error').textContent()).toContain(
      'totally-a-contract.pdf is not a PDF, PNG or JPEG by its content',
    );
    await chooser.setInputFiles([
      { name: 'scan-600dpi.pdf', mimeType: 'application/pdf', buffer: pdf('big', 10 * 1024 * 1024) },
    ]);
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.locator('.cf-error', { hasText: 'scan-600dpi.pdf' }).waitFor();
    expect(await panel.locator('.cf-error').textContent()).toContain(
      'scan-600dpi.pdf is 10.0 MB: the bridge takes files of at most 10.0 MB',
    );
    expect(await listed.count()).toBe(3);

    await listed.filter({ hasText: 'price-annex.pdf' }).getByRole('button', { name: 'Remove' }).click();
    await panel.getByRole('button', { name: 'Confirm remove' }).click();
    await panel.locator('.cf-saved', { hasText: 'Removed “price-annex.pdf”' }).waitFor();
    await expect.poll(() => listed.count()).toBe(2);
    await expectNoInjection(page);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'commitment-attachments', '.cf-attachments');

    world.whmcs.setState({ settings: { bridgeUrl: 'http://127.0.0.1:9' } });
    try {
      await first.getByRole('button', { name: 'Download' }).click();
      await panel.locator('.cf-error', { hasText: 'could not be reached' }).waitFor();
    } finally {
      world.whmcs.setState({ settings: { bridgeUrl: world.demo.url } });
    }
    expect(problems).toEqual([]);
  });

  it('CSV: the export downloads; an import shows its dry run (rows and errors by line) and creates only when clean', async () => {
    const { page, problems } = await open(url('#/commitments?tab=commitments'));
    await page.locator('.cf-ledger .cf-data tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'CSV import / export' }).click();
    const panel = page.locator('.cf-csv');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export all commitments (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('commitments.csv');
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported.split('\r\n')[0]).toMatch(/^id,counterparty_id,counterparty_name,title,/);
    expect(exported).toContain(XSS_TITLE);
    // The documented columns, from the bridge's own description of the import.
    await panel.locator('.cf-csv-columns summary').click();
    expect(await panel.locator('.cf-csv-columns').textContent()).toContain('notice_unit');

    const header = 'counterparty_name,title,currency,amount,cadence,start_date,notice_value,notice_unit';
    const bad = [
      header,
      `"${XSS_NAME}",Transit 10G,EUR,800.00,monthly,2026-01-01,3,month`,
      'Nobody Ltd,Ghost contract,EUR,10.00,monthly,2026-01-01,,',
      `"${XSS_NAME}",Licences,EUR,12.5.0,fortnightly,2026-01-01,,`,
    ].join('\r\n');
    const chooser = panel.getByLabel('Import from a CSV file');
    await chooser.setInputFiles({
      name: 'commitments-2026.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    });
    await panel.getByRole('button', { name: 'Check the file' }).click();
    await panel.locator('.cf-dry-run').waitFor();
    const errors = panel.locator('.cf-dry-run-errors tbody tr');
    await expect.poll(() => errors.count()).toBeGreaterThanOrEqual(3);
    const lines = await errors.locator('td:first-child').allTextContents();
    expect([...new Set(lines)]).toEqual(['3', '4']);
    expect(await panel.locator('.cf-dry-run-rows').textContent()).toContain('Transit 10G');
    const create = panel.getByRole('button', { name: /^Create 1 commitment$/ });
    expect(await create.isDisabled()).toBe(true);
    await shot(page, 'csv-import', '.cf-csv');

    const good = [header, `"${XSS_NAME}",Transit 10G,EUR,800.00,monthly,2026-01-01,3,month`, ''].join('\r\n');
    await chooser.setInputFiles({
      name: 'commitments-fixed.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(good),
    });
    await panel.getByRole('button', { name: 'Check the file' }).click();
    await panel.getByRole('button', { name: 'Create 1 commitment' }).click();
    await panel.locator('.cf-saved', { hasText: 'Created 1 commitment from the file.' }).waitFor();
    await page.locator('.cf-ledger .cf-data tbody tr', { hasText: 'Transit 10G' }).waitFor();
    await expectNoInjection(page);
    expect(problems).toEqual([]);
  });

  it('hostile text from WHMCS and the ledger: every page and tab shows it as text, nothing runs', async () => {
    const pages: Array<[string, string | null]> = [
      ['#/overview', null],
      ['#/connections', null],
      ['#/revenue', null],
      [`#/invoices?source=eu&clientId=${xssClient}`, XSS_NAME],
      ['#/receivables', null],
      ['#/forecast', null],
      ['#/commitments?tab=outlook', XSS_TITLE],
      ['#/commitments?tab=commitments', XSS_NOTE],
      ['#/commitments?tab=counterparties', XSS_NAME],
      ['#/commitments?tab=costs', XSS_NOTE],
    ];
    const { page, problems } = await open(url('#/overview'));
    for (const [hash, shown] of pages) {
      await page.goto(url(hash));
      await page.reload();
      await page.locator('.cf-page').waitFor();
      await page.waitForFunction(() => !document.querySelector('.cf-page .cf-loading'));
      if (shown) await page.getByText(shown).first().waitFor();
      await expectNoInjection(page);
      expect(problems, hash).toEqual([]);
    }
  });

  it('a bridge that refuses the token: every page says so, with the fix, and keeps working', async () => {
    world.whmcs.setState({ settings: { bridgeToken: 'not-the-token-Okapi-31' } });
    try {
      const { page, problems } = await open(url('#/revenue'));
      await page.locator('.cf-error').first().waitFor();
      expect(await page.locator('.cf-error').first().textContent()).toMatch(
        /refused the module’s API token[\s\S]*Bridge API token/,
      );
      await shot(page, 'token-refused');
      expect(problems).toEqual([]);
    } finally {
      world.whmcs.setState({ settings: { bridgeToken: MODULE_TOKEN } });
    }
  });

  it('an admin whose role may only look: Sync now is disabled', async () => {
    world.whmcs.setState({ adminId: 2 });
    try {
      const { page, problems } = await open(url('#/connections'));
      await page.locator('.cf-source').first().waitFor();
      expect(await page.getByRole('button', { name: 'Sync now' }).first().isDisabled()).toBe(true);
      await page.goto(url('#/commitments?tab=commitments'));
      await page.reload();
      await page.locator('.cf-ledger .cf-data tbody tr').first().waitFor();
      expect(await page.getByRole('button', { name: 'New commitment' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
      expect(await page.locator('.cf-footer').textContent()).toContain(
        'Your role may look but not change anything',
      );
      expect(problems).toEqual([]);
    } finally {
      world.whmcs.setState({ adminId: 1 });
    }
  });
});

describe('a source that fails', () => {
  it('Connections shows the error, its fix, and the setup guide step with its drawing, in place', async () => {
    // WHMCS stops allowing the bridge's address: the next sync fails with ip_not_allowed.
    world.demo.sims[1]!.sim.setAllowlist(['203.0.113.9']);
    try {
      const { page, problems } = await open(`${world.whmcs.pageUrl}#/connections`);
      const us = page.locator('.cf-source[data-source="us"]');
      await us.getByRole('button', { name: 'Sync now' }).click();
      await us.locator('.cf-sync-done').waitFor({ timeout: 60_000 });
      await us.locator('.cf-source-error').waitFor({ timeout: 30_000 });
      const error = (await us.locator('.cf-source-error').textContent()) ?? '';
      expect(error).toContain('ip_not_allowed');
      expect(error).toMatch(/API IP Access Restriction/);
      await us.locator('.cf-guide summary').click();
      const image = us.locator('.cf-guide img').first();
      await image.waitFor();
      await expect
        .poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(0);
      expect(await image.getAttribute('src')).toMatch(
        /\/modules\/addons\/commitment_forecaster\/mockups\/[a-z-]+\.svg$/,
      );
      await us.scrollIntoViewIfNeeded();
      await shot(page, 'connection-failed');
      expect(problems).toEqual([]);
    } finally {
      world.demo.sims[1]!.sim.setAllowlist(['127.0.0.1']);
    }
  });
});

describe('the preview `pnpm start` serves', () => {
  it('is the same bundle with the TypeScript stand-in for the PHP proxy', async () => {
    const preview = await serveModulePreview({ bridgeUrl: world.demo.url, token: MODULE_TOKEN });
    try {
      const html = await (await fetch(preview.url)).text();
      expect(html).not.toContain(MODULE_TOKEN);
      expect(html).toContain('data-csrf="');
      const { page, problems } = await open(`${preview.url}#/revenue`);
      await page.locator('.cf-chart canvas').first().waitFor();
      expect(await chartDrawn(page)).toBe(true);
      await page.goto(`${preview.url}#/connections`);
      await page.reload();
      const eu = page.locator('.cf-source[data-source="eu"]');
      await eu.getByRole('button', { name: 'Sync now' }).click();
      await eu.locator('.cf-sync-done').waitFor({ timeout: 60_000 });
      await shot(page, 'preview-connections');
      expect(problems).toEqual([]);
    } finally {
      await preview.close();
    }
  });
});
