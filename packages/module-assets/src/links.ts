import type { DiagnosticCode, GuideStepId, UNKNOWN_DIAGNOSTIC_CODE } from './ids.ts';

/** Where the docs site is published. */
export const DOCS_BASE_URL = 'https://forecaster-bridge.dev';

/**
 * The troubleshooting page's section for a diagnostic code: the anchor is the code itself.
 *
 * @example
 * docsLink('ip_banned'); // 'https://forecaster-bridge.dev/troubleshooting#ip_banned'
 */
export function docsLink(
  code: DiagnosticCode | typeof UNKNOWN_DIAGNOSTIC_CODE,
  baseUrl: string = DOCS_BASE_URL,
): string {
  return `${withoutTrailingSlash(baseUrl)}/troubleshooting#${code}`;
}

/**
 * The setup guide's section for a step: the anchor is the step id.
 *
 * @example
 * guideLink('proxies'); // 'https://forecaster-bridge.dev/setup-guide#proxies'
 */
export function guideLink(stepId: GuideStepId, baseUrl: string = DOCS_BASE_URL): string {
  return `${withoutTrailingSlash(baseUrl)}/setup-guide#${stepId}`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
