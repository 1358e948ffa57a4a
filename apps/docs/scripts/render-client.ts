import { DIAGNOSTIC_CODES, diagnosticFor } from '@forecaster/module-assets';
import { defaultRetryPolicy, NEVER_RETRY_CODES, WHMCS_ERROR_CODES } from '@forecaster/whmcs-client';
import { code, prose, table } from './markdown.ts';
import type { SchemaMember } from './schema-members.ts';

/*
 * The tables of the hand-written client page, from the client itself: its option schemas (types
 * and descriptions as the schemas declare them), its error codes with what the diagnostics catalogue says
 * of each, and its default retry policy. The page includes them as partials.
 */

/** An options schema's fields as a table: name, type, description. */
export function renderMembersTable(members: readonly SchemaMember[]): string {
  return table(
    ['Option', 'Type', 'Description'],
    members.map((m) => [
      `${code(m.name)}${m.optional ? '' : ' **(required)**'}`,
      code(m.type),
      prose(m.doc ?? ''),
    ]),
  );
}

function retried(errorCode: string): string {
  if (NEVER_RETRY_CODES.has(errorCode as never)) return 'never';
  if (defaultRetryPolicy.codes.includes(errorCode as never)) return 'yes';
  if (errorCode === 'http_error') {
    return `on ${defaultRetryPolicy.statuses.map((status) => code(String(status))).join(', ')}`;
  }
  return 'no';
}

/** Every `WhmcsError` code: retried or not, and what it means (the troubleshooting title). */
export function renderClientErrorsTable(): string {
  return table(
    ['`code`', 'Retried', 'Meaning'],
    WHMCS_ERROR_CODES.map((errorCode) => {
      const known = (DIAGNOSTIC_CODES as readonly string[]).includes(errorCode);
      const title = diagnosticFor(errorCode).title;
      return [
        code(errorCode),
        retried(errorCode),
        known ? `[${prose(title)}](./troubleshooting#${errorCode})` : prose(title),
      ];
    }),
  );
}

/** The default retry policy, value by value, each with its description from `retryPolicySchema`. */
export function renderRetryPolicyTable(members: readonly SchemaMember[]): string {
  const docs = new Map(members.map((m) => [m.name, m.doc ?? '']));
  return table(
    ['Setting', 'Default', 'Meaning'],
    Object.entries(defaultRetryPolicy).map(([key, value]) => [
      code(key),
      Array.isArray(value) ? value.map((v) => code(String(v))).join(', ') : code(String(value)),
      prose(docs.get(key) ?? ''),
    ]),
  );
}
