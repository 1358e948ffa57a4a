import {
  DIAGNOSTIC_CODES,
  renderDiagnosticText,
  renderGuideText,
  setupGuide,
} from '@forecaster/module-assets';
import { createRoute, z } from '@hono/zod-openapi';
import { docsBase } from '../docs/docs-base.ts';
import type { AppDeps } from './deps.ts';
import { createRouter } from './router.ts';

/*
 * The pages every `docsUrl` links to when no `docsBaseUrl` is configured: the troubleshooting
 * catalogue and the setup guide, from the same data the docs site renders, one section per
 * code or step (the anchor is its id). Public: they hold the product's documentation only.
 */

const page = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['System'],
    summary,
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
  });

const troubleshooting = page(
  '/docs/troubleshooting',
  'Troubleshooting: every diagnostic code, what it means, the fix',
);
const setupGuidePage = page('/docs/setup-guide', 'The WHMCS setup guide, step by step');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function html(title: string, sections: Array<{ id: string; text: string }>): string {
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...sections.map(
      ({ id, text }) => `<section id="${escapeHtml(id)}"><pre>${escapeHtml(text)}</pre></section>`,
    ),
    '</body></html>',
  ].join('\n');
}

/** `/docs/troubleshooting` and `/docs/setup-guide`. */
export function docsPagesRoutes(deps: AppDeps) {
  const base = (url: string) => docsBase(deps.config, new URL(url).origin);
  return createRouter()
    .openapi(troubleshooting, (c) => {
      const docsBaseUrl = base(c.req.url);
      return c.html(
        html(
          'Forecaster Bridge: troubleshooting',
          DIAGNOSTIC_CODES.map((code) => ({ id: code, text: renderDiagnosticText(code, { docsBaseUrl }) })),
        ),
        200,
      );
    })
    .openapi(setupGuidePage, (c) => {
      const docsBaseUrl = base(c.req.url);
      return c.html(
        html(
          'Forecaster Bridge: WHMCS setup guide',
          setupGuide.steps.map((step) => ({
            id: step.id,
            text: renderGuideText(setupGuide, { only: [step.id], docsBaseUrl }),
          })),
        ),
        200,
      );
    });
}
