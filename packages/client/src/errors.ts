import { classifyWhmcsMessage } from './wire/messages.ts';

/**
 * One error family for everything that can go wrong talking to WHMCS. Branch on `code`
 * (stable) or on the subclass; never on the message. No error ever carries the secret,
 * the password, its MD5 or the access key: the transport redacts every string it puts here.
 *
 * @example
 * try { await client.getInvoices({}) } catch (err) {
 *   if (err instanceof WhmcsError && err.code === 'ip_not_allowed') console.log(err.ip)
 * }
 */

export const WHMCS_ERROR_CODES = [
  'ip_not_allowed',
  'ip_banned',
  'invalid_access_key',
  'invalid_credentials',
  'auth_failed',
  'permission_denied',
  'invalid_action',
  'api_error',
  'http_error',
  'timeout',
  'network',
  'invalid_response',
  'response_too_large',
  'redirected',
  'incomplete_walk',
] as const;
export type WhmcsErrorCode = (typeof WHMCS_ERROR_CODES)[number];

/**
 * Codes that mean "WHMCS refused us". Retrying them is never safe: three failed logins
 * from one IP within 30 minutes get the module server banned.
 */
export const NEVER_RETRY_CODES: ReadonlySet<WhmcsErrorCode> = new Set([
  'ip_not_allowed',
  'ip_banned',
  'invalid_access_key',
  'invalid_credentials',
  'auth_failed',
  'permission_denied',
]);

export interface WhmcsErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The API action that was called. */
  action?: string;
  cause?: unknown;
}

export class WhmcsError extends Error {
  override name = 'WhmcsError';
  readonly code: WhmcsErrorCode;
  readonly status: number | undefined;
  readonly action: string | undefined;

  constructor(code: WhmcsErrorCode, message: string, options: WhmcsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.action = options.action;
  }

  /** True when WHMCS refused the credential, the IP or the permission: never retry these. */
  get refusal(): boolean {
    return NEVER_RETRY_CODES.has(this.code);
  }

  toJSON(): Record<string, unknown> {
    const { name, code, message, status, action } = this;
    return { ...Object.fromEntries(Object.entries(this)), name, code, message, status, action };
  }
}

/** The caller's IP is not on WHMCS's API IP Access Restriction list, or it is banned. */
export class WhmcsIpError extends WhmcsError {
  override name = 'WhmcsIpError';
  /** The address WHMCS saw (for `ip_not_allowed`): add exactly this one to the allowlist. */
  readonly ip: string | undefined;
  constructor(
    code: 'ip_not_allowed' | 'ip_banned',
    message: string,
    options: WhmcsErrorOptions & { ip?: string },
  ) {
    super(code, message, options);
    this.ip = options.ip;
  }
}

/** The identifier, secret, legacy login or access key was refused. */
export class WhmcsAuthError extends WhmcsError {
  override name = 'WhmcsAuthError';
}

/** The credential's API role does not allow the action. */
export class WhmcsPermissionError extends WhmcsError {
  override name = 'WhmcsPermissionError';
}

/** WHMCS answered with an error raised by the action, or the action does not exist. */
export class WhmcsApiError extends WhmcsError {
  override name = 'WhmcsApiError';
}

/**
 * Something that is not WHMCS answered: a proxy, a WAF, a 5xx HTML page (`http_error`); or the
 * address answered with a redirect (`redirected`), which is never followed.
 */
export class WhmcsHttpError extends WhmcsError {
  override name = 'WhmcsHttpError';
  /** A short, redacted excerpt of the body, to tell a WAF page from a PHP error. */
  readonly excerpt: string;
  /** The delay the server asked for in `Retry-After`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** With `redirected`: where the redirect pointed (redacted); the client never follows one. */
  readonly location: string | undefined;
  constructor(
    message: string,
    options: WhmcsErrorOptions & {
      excerpt: string;
      retryAfterMs?: number;
      code?: 'http_error' | 'redirected';
      location?: string;
    },
  ) {
    super(options.code ?? 'http_error', message, options);
    this.excerpt = options.excerpt;
    this.retryAfterMs = options.retryAfterMs;
    this.location = options.location;
  }
}

export class WhmcsTimeoutError extends WhmcsError {
  override name = 'WhmcsTimeoutError';
}

export class WhmcsNetworkError extends WhmcsError {
  override name = 'WhmcsNetworkError';
  /**
   * False when trying again cannot help: the TLS certificate was refused (expired, unknown CA,
   * wrong host name). Such failures are not retried.
   */
  readonly transient: boolean;
  constructor(message: string, options: WhmcsErrorOptions & { transient?: boolean } = {}) {
    super('network', message, options);
    this.transient = options.transient ?? true;
  }
}

/** Error codes of a refused TLS certificate: the same certificate is refused on every attempt. */
const CERTIFICATE_CODES =
  /^(CERT_|ERR_TLS_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE))/;

/** True when a fetch failure's cause is a refused TLS certificate. */
export function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE_CODES.test(code);
}

/**
 * The answer could not be parsed, or a field broke the schema (`path` says which):
 * `invalid_response`; or it was larger than the client reads (`response_too_large`).
 */
export class WhmcsResponseError extends WhmcsError {
  override name = 'WhmcsResponseError';
  readonly path: string | undefined;
  constructor(
    message: string,
    options: WhmcsErrorOptions & { path?: string; code?: 'invalid_response' | 'response_too_large' },
  ) {
    super(options.code ?? 'invalid_response', message, options);
    this.path = options.path;
  }
}

/**
 * Maps a WHMCS error message to its error. Old installs answer every error with HTTP 200,
 * so the message decides, not the status.
 */
export function errorFromWhmcsMessage(message: string, options: WhmcsErrorOptions = {}): WhmcsError {
  const text = message.trim();
  const read = classifyWhmcsMessage(text);
  switch (read.kind) {
    case 'ip_banned':
      return new WhmcsIpError('ip_banned', 'WHMCS has banned this IP address', options);
    case 'ip_not_allowed':
      return new WhmcsIpError(
        'ip_not_allowed',
        `WHMCS refused the caller's IP ${read.ip}: it is not allowed`,
        {
          ...options,
          ip: read.ip,
        },
      );
    case 'invalid_access_key':
      return new WhmcsAuthError('invalid_access_key', 'WHMCS refused the API access key', options);
    case 'invalid_credentials':
      return new WhmcsAuthError(
        'invalid_credentials',
        'WHMCS does not know this API identifier, or the secret is empty',
        options,
      );
    case 'auth_failed':
      return new WhmcsAuthError('auth_failed', `WHMCS refused the credentials: ${text}`, options);
    case 'permission_denied': {
      const action = read.action ?? options.action;
      return new WhmcsPermissionError(
        'permission_denied',
        `The API role does not allow the action ${action ?? '(unknown)'}`,
        { ...options, action },
      );
    }
    case 'invalid_action':
      return new WhmcsApiError('invalid_action', `WHMCS does not accept the action: ${text}`, options);
    case 'api_error':
      return new WhmcsApiError(
        'api_error',
        `WHMCS answered with an error: ${text || '(no message)'}`,
        options,
      );
  }
}

/** What a walk saw, whether or not it could prove that was everything. */
export interface WalkSeen {
  /** Requests sent, look-ahead included. */
  calls: number;
  pages: number;
  /** Distinct ids yielded, counting those before the anchor a resumed walk started from. */
  distinctIds: number;
  highestId?: number;
  /** WHMCS's `totalresults` on the last page. */
  totalResults: number;
  /** `totalresults` minus the distinct ids, when positive: the orphans, if the walk is complete. */
  shortfall: number;
  /** The caller's highest stored id (`expect.maxId`). */
  expectedMaxId: number;
  /** WHMCS's newest id, when the walk had to ask for it. */
  newestId?: number;
}

/** Positive evidence that a walk saw the whole list: only then may a caller tombstone. */
export interface WalkEvidence extends WalkSeen {
  complete: true;
  /** `end`: a short page past the anchor; `high-water-mark`: a descending walk reached it. */
  endedBy: 'end' | 'high-water-mark';
}

export type WalkIncompleteReason = 'no_progress' | 'call_ceiling' | 'below_stored_max' | 'count_shortfall';

/**
 * A walk stopped without proof that it saw every invoice (`incomplete_walk`). The rows it
 * yielded are real; what it did not see must not be taken as deleted.
 *
 * @example
 * if (err instanceof WhmcsWalkError) console.log(err.reason, err.seen.distinctIds, err.seen.totalResults)
 */
export class WhmcsWalkError extends WhmcsError {
  override name = 'WhmcsWalkError';
  readonly reason: WalkIncompleteReason;
  readonly seen: WalkSeen;
  constructor(reason: WalkIncompleteReason, detail: string, seen: WalkSeen) {
    super(
      'incomplete_walk',
      `The invoice walk cannot show it saw every invoice (${reason}): ${detail}. It saw ${seen.distinctIds} distinct invoices up to #${seen.highestId ?? '(none)'} in ${seen.calls} calls; WHMCS counts ${seen.totalResults}. Nothing it did not see may be treated as deleted.`,
      { action: 'GetInvoices' },
    );
    this.reason = reason;
    this.seen = seen;
  }
}
