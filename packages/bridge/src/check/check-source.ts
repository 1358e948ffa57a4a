import { createHash } from 'node:crypto';
import { assertTimeZone, createRedactor, resolveApiUrl } from '@forecaster/whmcs-client';
import { isLoopback, type SourceConfig } from '../config.ts';
import type { LoginGate } from '../store/login-gate.ts';
import { credentialFingerprint } from '../sync/credential-fingerprint.ts';
import {
  type Lookup,
  openTcp,
  outgoingAddresses,
  plainAddress,
  resolveHost,
  systemLookup,
  verifyTls,
} from './network.ts';
import { type CheckReport, type CheckStage, completeReport, flagged, passed, skipped } from './report.ts';
import { whmcsStages } from './whmcs-stages.ts';

export interface CheckSourceOptions {
  /** Where the troubleshooting page lives, for each failure's link. */
  docsBaseUrl: string;
  /** Aborting rejects the check with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The deadline of each network stage and of the WHMCS call. Default: the source's `timeoutMs`
   * for the call, and at most 10 s of it for DNS, TCP and TLS.
   */
  timeoutMs?: number;
  /** Resolves host names for the DNS and TCP stages (default: the system resolver). */
  lookup?: Lookup;
  /**
   * The store's login gate, asked before the one authenticated call: a credential WHMCS refused
   * is not sent again, and a source makes at most one failed login per 15 minutes. Every caller
   * in the bridge passes it; only tests of the stages themselves leave it out.
   */
  gate?: LoginGate;
  /** A person asks to send a credential WHMCS refused once more (`bridge check --force`). */
  force?: boolean;
}

const MAX_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Checks one source stage by stage: configuration, DNS, TCP, TLS, then WHMCS itself (api.php,
 * credentials, IP allowlist, role, least privilege, a sample page), stopping at the first failure.
 * Ban-safe: at most one authenticated WHMCS call, plus one harmless probe only after it succeeded;
 * none at all when a local stage fails. The report never holds a secret.
 *
 * @example
 * const report = await checkSource(config.sources[0], { docsBaseUrl: config.docsBaseUrl });
 * if (!report.ok) console.log(formatCheckReport(report, { color: false }));
 */
export async function checkSource(source: SourceConfig, options: CheckSourceOptions): Promise<CheckReport> {
  const { docsBaseUrl, signal } = options;
  const callTimeoutMs = options.timeoutMs ?? source.timeoutMs;
  const connectTimeoutMs = options.timeoutMs ?? Math.min(source.timeoutMs, MAX_CONNECT_TIMEOUT_MS);
  const lookup = options.lookup ?? systemLookup;
  const stages: CheckStage[] = [];
  const base: { source: string; url: string; seenIp?: string; outgoingAddresses?: string[] } = {
    source: source.id,
    url: '',
  };
  const finish = () => redactReport(completeReport(base, stages), secretsOf(source));
  signal?.throwIfAborted();

  // 1. Configuration: everything that would fail WHMCS's checks is caught here, before a call.
  const problem = configProblem(source);
  if (problem.url) base.url = problem.url.toString();
  if (problem.failure) {
    stages.push(flagged('config', 'failed', problem.failure.code, problem.failure.detail, docsBaseUrl));
    return finish();
  }
  const url = problem.url!;
  stages.push(passed('config', problem.detail));

  // 2. DNS.
  const hostname = plainAddress(url.hostname);
  const resolved = await resolveHost(hostname, lookup, connectTimeoutMs);
  signal?.throwIfAborted();
  if (!resolved.ok) {
    stages.push(flagged('dns', 'failed', resolved.code, resolved.detail, docsBaseUrl));
    return finish();
  }
  stages.push(passed('dns', resolved.detail));

  // 3. TCP.
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  const tcp = await openTcp(resolved.addresses, port, connectTimeoutMs, signal);
  if (!tcp.ok) {
    stages.push(flagged('tcp', 'failed', tcp.code, tcp.detail, docsBaseUrl));
    return finish();
  }
  stages.push(passed('tcp', tcp.detail));
  const outgoing = outgoingAddresses(tcp.localAddress);
  base.outgoingAddresses = outgoing;

  // 4. TLS, on the same connection.
  if (https) {
    const tls = await verifyTls(tcp.socket, {
      hostname,
      ...(source.tls.ca ? { ca: source.tls.ca } : {}),
      timeoutMs: connectTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (!tls.ok) {
      stages.push(flagged('tls', 'failed', tls.code, tls.detail, docsBaseUrl));
      return finish();
    }
    stages.push(passed('tls', tls.detail));
  } else {
    tcp.socket.destroy();
    stages.push(
      passed(
        'tls',
        isLoopback(hostname)
          ? 'Plain HTTP to this machine (loopback): nothing crosses the network.'
          : 'Plain HTTP, allowed by allowInsecureHttp: the secret crosses the network unencrypted.',
      ),
    );
  }

  // 5-10. WHMCS, once the login gate lets the call go.
  const login = await options.gate?.acquire({
    sourceId: source.id,
    fingerprint: credentialFingerprint(source),
    purpose: 'check',
    ...(options.force ? { force: true } : {}),
  });
  if (login && !login.allowed) {
    stages.push(
      skipped('whmcs', 'Not called: the bridge’s login gate withheld the login (see below).'),
      flagged('credentials', 'failed', login.code, `${login.message} Nothing was sent.`, docsBaseUrl),
    );
    return finish();
  }
  let outcome: Awaited<ReturnType<typeof whmcsStages>>['login'] = { outcome: 'unknown' };
  try {
    const whmcs = await whmcsStages(source, {
      docsBaseUrl,
      timeoutMs: callTimeoutMs,
      ...(signal ? { signal } : {}),
      localAddress: tcp.localAddress,
      outgoing,
    });
    outcome = whmcs.login;
    stages.push(...whmcs.stages);
    if (whmcs.seenIp) base.seenIp = whmcs.seenIp;
  } finally {
    if (login) await options.gate!.settle(login.permit, outcome.outcome, outcome.refusal);
  }
  return finish();
}

type ConfigProblem =
  | {
      url?: URL;
      failure: {
        code: 'config_invalid' | 'plain_http_refused' | 'url_points_to_admin' | 'secret_whitespace';
        detail: string;
      };
    }
  | { url: URL; failure?: undefined; detail: string };

/** What is wrong with a source before anything is sent: the first problem, or a summary. */
export function configProblem(source: SourceConfig): ConfigProblem {
  let url: URL;
  try {
    url = resolveApiUrl(source.url);
  } catch (err) {
    return { failure: { code: 'config_invalid', detail: (err as Error).message } };
  }
  const fail = (code: NonNullable<ConfigProblem['failure']>['code'], detail: string): ConfigProblem => ({
    url,
    failure: { code, detail },
  });
  const hostname = plainAddress(url.hostname);
  if (url.protocol === 'http:' && !isLoopback(hostname) && !source.allowInsecureHttp) {
    return fail(
      'plain_http_refused',
      `url is plain http:// to ${hostname}: the secret would cross the network unencrypted.`,
    );
  }
  const configured = new URL(source.url.trim());
  if (configured.pathname.split('/').some((segment) => segment.toLowerCase() === 'admin')) {
    return fail(
      'url_points_to_admin',
      `url points into the admin area (${configured.pathname}): api.php lives under the installation’s root.`,
    );
  }
  try {
    assertTimeZone(source.timeZone);
  } catch (err) {
    return fail('config_invalid', (err as Error).message);
  }
  const secrets: Array<[key: string, value: string]> =
    'identifier' in source.credentials
      ? [['credentials.secret', source.credentials.secret]]
      : [['credentials.password', source.credentials.password]];
  if (source.accessKey !== undefined) secrets.push(['accessKey', source.accessKey]);
  for (const [key, value] of secrets) {
    if (value === '') return fail('config_invalid', `${key} is empty.`);
    const around = whitespaceAround(value);
    if (around) {
      return fail(
        'secret_whitespace',
        `${key} ${around}. Nothing was sent to WHMCS: it would refuse the secret and count a failed login towards a ban.`,
      );
    }
  }
  const name =
    'identifier' in source.credentials ? source.credentials.identifier : source.credentials.username;
  const nameKey = 'identifier' in source.credentials ? 'credentials.identifier' : 'credentials.username';
  const nameAround = whitespaceAround(name);
  if (nameAround) return fail('config_invalid', `${nameKey} ${nameAround}.`);
  return {
    url,
    detail: `url resolves to ${url}; ${
      'identifier' in source.credentials
        ? `API credential ${source.credentials.identifier}`
        : `legacy admin login ${source.credentials.username}`
    }${source.accessKey ? ', with an access key' : ''}${source.tls.ca ? ', trusting the configured CA' : ''}; time zone ${source.timeZone}.`,
  };
}

const WHITESPACE_NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a carriage return',
};

/** Describes white space at either end without showing the value: "ends with a space". */
function whitespaceAround(value: string): string | undefined {
  const lead = /^\s+/.exec(value)?.[0] ?? '';
  const trail = /\s+$/.exec(value)?.[0] ?? '';
  if (!lead && !trail) return undefined;
  const what = (chars: string) => {
    const names = [...new Set([...chars].map((c) => WHITESPACE_NAMES[c] ?? 'white space'))];
    return `${names.join(' and ')}${chars.length > 1 ? ` (${chars.length} characters)` : ''}`;
  };
  if (lead && trail) return `starts with ${what(lead)} and ends with ${what(trail)}`;
  return lead ? `starts with ${what(lead)}` : `ends with ${what(trail)}`;
}

/** A source's secrets, and the MD5 a legacy login sends (the redactor adds their other forms). */
function secretsOf(source: SourceConfig): string[] {
  const values =
    'identifier' in source.credentials
      ? [source.credentials.secret]
      : [source.credentials.password, createHash('md5').update(source.credentials.password).digest('hex')];
  if (source.accessKey) values.push(source.accessKey);
  return values;
}

/** Belt and braces: no string in the report may hold a secret, whatever a server echoed. */
function redactReport(report: CheckReport, secrets: readonly string[]): CheckReport {
  const redactText = createRedactor(secrets);
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
    }
    return value;
  };
  return redact(report) as CheckReport;
}
