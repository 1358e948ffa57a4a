import { MODULE_NAME } from '../module/operations.ts';

/*
 * The mount element and bundle tags, as lib/page.php renders them in WHMCS (the PHP test checks
 * the PHP side; the preview uses this one). Every value is escaped as an attribute.
 */

const attr = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' })[c]!,
  );

export function modulePageHtml(page: {
  endpoint: string;
  csrf: string;
  version: string;
  canWrite: boolean;
  fiscalYearStart: number;
  currencies: Array<{ code: string; prefix: string; suffix: string }>;
}): string {
  const assets = `../modules/addons/${MODULE_NAME}/`;
  const v = encodeURIComponent(page.version);
  return [
    `<div id="commitment-forecaster" class="cf-root" data-endpoint="${attr(page.endpoint)}" data-csrf="${attr(page.csrf)}"`,
    ` data-version="${attr(page.version)}" data-can-write="${page.canWrite}" data-fiscal-year-start="${page.fiscalYearStart}"`,
    ` data-configured="true" data-currencies="${attr(JSON.stringify(page.currencies))}">`,
    '<div class="alert alert-info cf-loading">Loading the Commitment Forecaster&hellip;</div>',
    '<noscript><div class="alert alert-warning">The Commitment Forecaster needs JavaScript.</div></noscript>',
    '</div>\n',
    `<link rel="stylesheet" href="${attr(`${assets}app.css?v=${v}`)}">\n`,
    `<script src="${attr(`${assets}app.js?v=${v}`)}" defer></script>\n`,
  ].join('');
}
