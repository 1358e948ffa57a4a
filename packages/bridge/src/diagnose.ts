import { diagnosticFor, docsLink, isDiagnosticCode } from '@forecaster/module-assets';

/**
 * What a failure code means for a person: a one-line hint and the troubleshooting link.
 * The same text `forecaster-bridge check`, the API and the logs show.
 */
export function diagnose(code: string, docsBaseUrl?: string): { hint: string; docsUrl: string } {
  const entry = diagnosticFor(code);
  const first = entry.fix[0];
  return {
    hint: first ? `${entry.title}. ${first}` : entry.title,
    docsUrl: docsLink(isDiagnosticCode(code) ? code : entry.code, docsBaseUrl),
  };
}
