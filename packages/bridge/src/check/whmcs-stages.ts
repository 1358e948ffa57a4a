import type { DiagnosticCode } from '@forecaster/module-assets';
import {
  createWhmcsClient,
  type InvoicesPage,
  normalizeInvoice,
  WhmcsError,
  WhmcsIpError,
  WhmcsResponseError,
} from '@forecaster/whmcs-client';
import { z } from 'zod';
import type { SourceConfig } from '../config.ts';
import { diagnosticCode } from '../diagnose.ts';
import { loginOutcomeOf } from '../sync/credential-fingerprint.ts';
import { fetchFor, USER_AGENT } from '../sync/source-client.ts';
import { describeSeenIp } from './network.ts';
import { type CheckStage, flagged, passed, skipped } from './report.ts';

/*
 * Stages 5 to 10 from the API itself. Ban-safety is the point: ONE authenticated call
 * (GetInvoices, five rows, retries off), and a second one, the least-privilege probe, only after
 * the first succeeded, so that it cannot fail authentication. After any failure, no more calls:
 * three failed logins in 30 minutes ban this host's address.
 */

/** Rows in the sample: enough to meet a few shapes, cheap on any WHMCS. */
export const SAMPLE_SIZE = 5;

export interface WhmcsStagesContext {
  docsBaseUrl: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The TCP check's local address: this host's outgoing address toward WHMCS. */
  localAddress?: string;
  /** Every address this host could be seen from. */
  outgoing: readonly string[];
}

export interface WhmcsStagesResult {
  stages: CheckStage[];
  seenIp?: string;
  /** What the authenticated call said about the login, for the login gate. */
  login: ReturnType<typeof loginOutcomeOf>;
}

const GATE_IP_FIRST = 'Not checked: WHMCS checks the IP first, and it refused it.';

export async function whmcsStages(
  source: SourceConfig,
  context: WhmcsStagesContext,
): Promise<WhmcsStagesResult> {
  const { docsBaseUrl, signal } = context;
  const legacy = !('identifier' in source.credentials);
  const who =
    'identifier' in source.credentials
      ? `the API credential ${source.credentials.identifier}`
      : `the admin login ${source.credentials.username} (legacy)`;
  let last: { status?: number; durationMs: number } | undefined;
  const client = createWhmcsClient({
    url: source.url,
    credentials: source.credentials,
    ...(source.accessKey ? { accessKey: source.accessKey } : {}),
    timeoutMs: context.timeoutMs,
    ...(source.maxResponseBytes ? { maxResponseBytes: source.maxResponseBytes } : {}),
    fetch: fetchFor(source),
    userAgent: USER_AGENT,
    // The whole point: one attempt. A retried refusal is a step towards a ban.
    retry: false,
    onCall: (event) => {
      last = {
        ...(event.status === undefined ? {} : { status: event.status }),
        durationMs: event.durationMs,
      };
    },
  });
  const answered = () =>
    `WHMCS answered (HTTP ${last?.status ?? '?'}, ${last?.durationMs ?? '?'} ms): ${
      last?.status === 200 ? 'its API' : 'its own refusal, so api.php is WHMCS’s API'
    }.`;
  const ipDetail = () =>
    source.accessKey
      ? 'WHMCS let the request through. An access key is configured: it lets requests skip the allowlist, so the allowlist itself was not tested.'
      : `WHMCS accepted this host’s address${context.localAddress ? ` (it left from ${context.localAddress})` : ''}.`;

  let page: InvoicesPage | undefined;
  let wireFailure: WhmcsResponseError | undefined;
  try {
    page = await client.getInvoices({ limitNum: SAMPLE_SIZE, orderBy: 'id', order: 'desc', signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (!(err instanceof WhmcsError)) throw err;
    // A row that breaks the wire schema: WHMCS answered `success`, so every gate passed.
    if (err instanceof WhmcsResponseError && err.path?.startsWith('invoices')) wireFailure = err;
    else return { ...refused(err), login: loginOutcomeOf(err) };
  }

  const stages: CheckStage[] = [
    passed('whmcs', answered()),
    passed('credentials', `WHMCS accepted ${who}.`),
    passed('ip', ipDetail()),
    passed(
      'permission',
      page
        ? `The role allows GetInvoices: WHMCS counts ${page.totalResults} invoices.`
        : 'The role allows GetInvoices.',
    ),
    await leastPrivilege(),
    sample(),
  ];
  return { stages, login: { outcome: 'accepted' } };

  function refused(err: WhmcsError): Omit<WhmcsStagesResult, 'login'> {
    const fail = (id: CheckStage['id'], code: DiagnosticCode, detail: string) =>
      flagged(id, 'failed', code, detail, docsBaseUrl);
    const whmcsAnswered = passed('whmcs', answered());
    switch (err.code) {
      case 'ip_not_allowed': {
        const seenIp = err instanceof WhmcsIpError ? err.ip : undefined;
        return {
          stages: [
            whmcsAnswered,
            skipped('credentials', GATE_IP_FIRST),
            fail(
              'ip',
              'ip_not_allowed',
              seenIp
                ? `WHMCS refused the caller’s address. ${describeSeenIp(seenIp, context.localAddress, context.outgoing)}`
                : 'WHMCS refused the caller’s address without naming it.',
            ),
          ],
          ...(seenIp ? { seenIp } : {}),
        };
      }
      case 'ip_banned':
        return {
          stages: [
            whmcsAnswered,
            skipped('credentials', 'Not checked: WHMCS checks for a ban first, and this address is banned.'),
            fail(
              'ip',
              'ip_banned',
              `WHMCS has banned this host’s address (${context.outgoing.join(', ') || 'unknown'}) after failed logins. One attempt was made; the bridge does not retry.`,
            ),
          ],
        };
      case 'invalid_access_key':
        return {
          stages: [
            whmcsAnswered,
            skipped('credentials', 'Not checked: WHMCS checks the access key first, and refused it.'),
            fail('ip', 'invalid_access_key', 'WHMCS refused the configured access key (accessKey).'),
          ],
        };
      case 'invalid_credentials':
      case 'auth_failed':
        return {
          stages: [
            whmcsAnswered,
            fail(
              'credentials',
              err.code,
              `${err.message} (${who}). One attempt was made; the bridge does not retry, and made no other call.`,
            ),
            // WHMCS checks the address before the credentials: reaching them means it passed.
            passed('ip', `${ipDetail()} (WHMCS checks the address before the credentials.)`),
          ],
        };
      case 'permission_denied':
        return {
          stages: [
            whmcsAnswered,
            passed('credentials', `WHMCS accepted ${who}.`),
            passed('ip', ipDetail()),
            fail('permission', 'permission_denied', `${err.message}: WHMCS refused GetInvoices.`),
          ],
        };
      case 'api_error':
        // Raised inside the action (HTTP 200): every gate passed, reading failed.
        if (err.status === 200) {
          return {
            stages: [
              whmcsAnswered,
              passed('credentials', `WHMCS accepted ${who}.`),
              passed('ip', ipDetail()),
              passed('permission', 'The role allows GetInvoices.'),
              skipped('least_privilege', 'Not checked: no further call after an error.'),
              fail('sample', 'api_error', err.message),
            ],
          };
        }
        // A refusal WHMCS words in a way this version does not know: most likely an access check.
        return { stages: [whmcsAnswered, fail('credentials', 'api_error', err.message)] };
      case 'http_error': {
        const code = diagnosticCode(err.code, err.status) as DiagnosticCode;
        return { stages: [fail('whmcs', code, `${err.message}. Sent to ${client.endpoint}.`)] };
      }
      case 'timeout':
      case 'network':
      case 'invalid_response':
      case 'invalid_action':
      case 'response_too_large':
      case 'redirected':
      case 'incomplete_walk':
        return {
          stages: [
            fail('whmcs', err.code, `${err.message}. One attempt; forecaster-bridge check does not retry.`),
          ],
        };
    }
  }

  async function leastPrivilege(): Promise<CheckStage> {
    if (legacy) {
      return flagged(
        'least_privilege',
        'warning',
        'over_privileged',
        'A legacy admin login (username and password) is not limited by API roles: it can call every action its admin can. Use an API credential whose role allows only GetInvoices.',
        docsBaseUrl,
      );
    }
    // One harmless read outside GetInvoices: a least-privilege role refuses it before it runs.
    try {
      await client.call('GetInvoice', { invoiceid: 0 }, z.unknown(), signal);
      return over('WHMCS ran GetInvoice (a single invoice) instead of refusing it');
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof WhmcsError)) throw err;
      if (err.code === 'permission_denied') {
        return passed(
          'least_privilege',
          'WHMCS refused GetInvoice, as it should: the role allows GetInvoices, not other actions.',
        );
      }
      if (err.code === 'api_error' || err.code === 'invalid_action') {
        return over(`WHMCS ran GetInvoice (a single invoice) instead of refusing it: ${err.message}`);
      }
      return skipped('least_privilege', `Could not tell: probing with GetInvoice failed (${err.message}).`);
    }
  }

  function over(what: string): CheckStage {
    return flagged(
      'least_privilege',
      'warning',
      'over_privileged',
      `${what}. The role allows more than GetInvoices (probed with one harmless read; other actions were not tried).`,
      docsBaseUrl,
    );
  }

  function sample(): CheckStage {
    if (wireFailure)
      return flagged('sample', 'failed', 'sample_parse_failed', wireFailure.message, docsBaseUrl);
    const rows = page?.invoices ?? [];
    if (rows.length === 0) return passed('sample', 'WHMCS has no invoices yet: nothing to read.');
    for (const row of rows) {
      try {
        normalizeInvoice(row, { source: source.id, timeZone: source.timeZone });
      } catch (err) {
        return flagged(
          'sample',
          'failed',
          'sample_parse_failed',
          `${(err as Error).message} (read in the time zone ${source.timeZone}).`,
          docsBaseUrl,
        );
      }
    }
    return passed(
      'sample',
      `The ${rows.length} newest invoices (ids ${rows.map((row) => String(row.id)).join(', ')}) read cleanly in the time zone ${source.timeZone}.`,
    );
  }
}
