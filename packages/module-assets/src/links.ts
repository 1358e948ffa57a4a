import type { DiagnosticCode, GuideStepId, UNKNOWN_DIAGNOSTIC_CODE } from './ids.ts';

/**
 * The troubleshooting page's section for a diagnostic code: the anchor is the code itself.
 *
 * @example
 * docsLink('ip_banned', 'http://127.0.0.1:8787/docs'); // 'http://127.0.0.1:8787/docs/troubleshooting#ip_banned'
 */
export function docsLink(code: DiagnosticCode | typeof UNKNOWN_DIAGNOSTIC_CODE, baseUrl: string): string {
  return `${withoutTrailingSlash(baseUrl)}/troubleshooting#${code}`;
}

/**
 * The setup guide's section for a step: the anchor is the step id.
 *
 * @example
 * guideLink('proxies', 'http://127.0.0.1:8787/docs'); // 'http://127.0.0.1:8787/docs/setup-guide#proxies'
 */
export function guideLink(stepId: GuideStepId, baseUrl: string): string {
  return `${withoutTrailingSlash(baseUrl)}/setup-guide#${stepId}`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
